#!/usr/bin/env bash
# The Kafka container of docker-compose.yml: the same broker as deploy/kafka.sh (KRaft,
# SASL/SCRAM-SHA-512, the users of deploy/kafka/principals), on the apache/kafka image.
# Topics and ACLs come from compose's `provision` service (shared/provisioning.py).
# Its configuration: deploy/compose/kafka-config.sh (the settings and their defaults);
# ZR_KAFKA_HOME is Kafka's installation (/opt/kafka), ZR_KAFKA_READY_FILE the file the
# health check waits for (/tmp/broker-ready). tests/integration/test_compose_kafka.py runs
# this script with Kafka's jars in place of the image.
set -euo pipefail
source "$(dirname "$0")/kafka-config.sh"
KAFKA="${ZR_KAFKA_HOME:-/opt/kafka}"
READY="${ZR_KAFKA_READY_FILE:-/tmp/broker-ready}"

rm -f "$READY"  # a restarted container keeps its /tmp: not ready before the broker is
write_config

if [ ! -f "$DATA/meta.properties" ]; then
  scram_args
  "$KAFKA/bin/kafka-storage.sh" format -t "${CLUSTER_ID:-$("$KAFKA/bin/kafka-storage.sh" random-uuid)}" \
    -c "$CONFIG" "${SCRAM_ARGS[@]}"
fi

"$KAFKA/bin/kafka-server-start.sh" "$CONFIG" &
broker=$!
# `docker stop` signals this script (PID 1, which ignores SIGTERM without a trap): the
# broker is asked to shut down cleanly, and the container ends when it has.
trap 'kill -TERM "$broker" 2>/dev/null || true; wait "$broker"; exit' TERM INT
until "$KAFKA/bin/kafka-topics.sh" --bootstrap-server "localhost:$PORT" \
    --command-config "$ADMIN_CONFIG" --list >/dev/null 2>&1; do
  kill -0 "$broker" 2>/dev/null || { wait "$broker"; exit 1; }  # the broker gave up: so does the container
  sleep 1
done
touch "$READY"   # the health check waits for this
wait "$broker"
