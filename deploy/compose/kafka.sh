#!/usr/bin/env bash
# The Kafka container of docker-compose.yml: the same broker as deploy/kafka.sh (KRaft,
# SASL/SCRAM-SHA-512, the users of deploy/kafka/principals), on the apache/kafka image.
# Topics and ACLs come from compose's `provision` service (shared/provisioning.py).
set -euo pipefail
KAFKA=/opt/kafka
DATA=/var/lib/kafka/data
CONFIG=/tmp/server.properties
PRINCIPALS=/zr/deploy/kafka/principals
source /zr/deploy/kafka/access.sh

sed -e "s#@DATA_DIR@#$DATA#" -e "s#@PORT@#9092#" -e "s#@CONTROLLER_PORT@#9093#" \
    -e "s#@SSL_PORT@#9094#" -e "s#@CERT_DIR@#/certs#g" \
    -e "s#@ADMIN_PASSWORD@#$(password_of admin)#g" \
    -e "s#@CONTROLLER_PASSWORD@#$(password_of controller)#g" \
    -e '/^listeners=/d' -e '/^advertised.listeners=/d' -e '/^listener.security.protocol.map=/d' \
    /zr/deploy/kafka/server.properties.in >"$CONFIG"
cat >>"$CONFIG" <<PROPS
# In the compose network with TLS as kafka:9094 (the services, provisioning), without as
# kafka:9092 (the broker's own tools); from the host as kafka:9094 (TLS; map the name
# kafka to 127.0.0.1 there: the certificate names it).
listeners=SASL_PLAINTEXT://0.0.0.0:9092,SASL_SSL://0.0.0.0:9094,CONTROLLER://127.0.0.1:9093
advertised.listeners=SASL_PLAINTEXT://kafka:9092,SASL_SSL://kafka:9094
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:SASL_PLAINTEXT
PROPS
admin_config /tmp/admin.properties

if [ ! -f "$DATA/meta.properties" ]; then
  scram_args
  "$KAFKA/bin/kafka-storage.sh" format -t "${CLUSTER_ID:-$("$KAFKA/bin/kafka-storage.sh" random-uuid)}" \
    -c "$CONFIG" "${SCRAM_ARGS[@]}"
fi

"$KAFKA/bin/kafka-server-start.sh" "$CONFIG" &
broker=$!
until "$KAFKA/bin/kafka-topics.sh" --bootstrap-server localhost:9092 \
    --command-config /tmp/admin.properties --list >/dev/null 2>&1; do sleep 1; done
touch /tmp/broker-ready   # the health check waits for this
wait "$broker"
