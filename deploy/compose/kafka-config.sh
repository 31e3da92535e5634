#!/usr/bin/env bash
# The configuration of docker-compose.yml's Kafka broker (deploy/compose/kafka.sh sources
# this): server.properties from deploy/kafka/server.properties.in with the compose
# listeners, and admin.properties for the broker's own tools. Run on its own, it writes
# both and exits (tests/integration/test_compose_kafka.py runs the broker it describes).
#
# Every setting has compose's value by default:
#   ZR_KAFKA_CONFIG_DIR=/tmp           server.properties and admin.properties go here
#   ZR_KAFKA_DATA=/var/lib/kafka/data  the broker's data (the volume kafkadata)
#   ZR_KAFKA_CERT_DIR=/certs           kafka.pem and ca.crt of deploy/certs.sh
#   ZR_KAFKA_LISTEN=0.0.0.0            the address of the two client listeners
#   ZR_KAFKA_HOST=kafka                the name clients are sent to (the certificate has it)
#   ZR_KAFKA_PORT=9092                 SASL_PLAINTEXT: the broker's own tools, in the container
#   ZR_KAFKA_SSL_PORT=9094             SASL_SSL: the services, provisioning, the host
#   ZR_KAFKA_CONTROLLER_PORT=9093      the KRaft controller (127.0.0.1 only)
# Passwords: ZR_KAFKA_PASSWORD_ADMIN and ZR_KAFKA_PASSWORD_CONTROLLER (deploy/kafka/access.sh).
set -euo pipefail
DEPLOY="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONFIG_DIR="${ZR_KAFKA_CONFIG_DIR:-/tmp}"
DATA="${ZR_KAFKA_DATA:-/var/lib/kafka/data}"
CERT_DIR="${ZR_KAFKA_CERT_DIR:-/certs}"
LISTEN="${ZR_KAFKA_LISTEN:-0.0.0.0}"
HOST="${ZR_KAFKA_HOST:-kafka}"
PORT="${ZR_KAFKA_PORT:-9092}"
SSL_PORT="${ZR_KAFKA_SSL_PORT:-9094}"
CONTROLLER_PORT="${ZR_KAFKA_CONTROLLER_PORT:-9093}"
CONFIG="$CONFIG_DIR/server.properties"
ADMIN_CONFIG="$CONFIG_DIR/admin.properties"
PRINCIPALS="$DEPLOY/kafka/principals"
source "$DEPLOY/kafka/access.sh"

write_config() {
  mkdir -p "$CONFIG_DIR"
  (
    umask 077  # the admin's and the controller's passwords are in it
    render_server_properties "$CONFIG.in" "$DATA" "$PORT" "$CONTROLLER_PORT" "$SSL_PORT" \
      "$CERT_DIR" 1 "1@127.0.0.1:$CONTROLLER_PORT" 1 1
    sed -e '/^listeners=/d' -e '/^advertised.listeners=/d' \
      -e '/^listener.security.protocol.map=/d' "$CONFIG.in" >"$CONFIG"
    rm -f "$CONFIG.in"
    cat >>"$CONFIG" <<PROPS
# In the compose network with TLS as $HOST:$SSL_PORT (the services, provisioning), without
# as $HOST:$PORT (the broker's own tools); from the host as $HOST:$SSL_PORT (TLS; map the
# name $HOST to 127.0.0.1 there: the certificate names it).
listeners=SASL_PLAINTEXT://$LISTEN:$PORT,SASL_SSL://$LISTEN:$SSL_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=SASL_PLAINTEXT://$HOST:$PORT,SASL_SSL://$HOST:$SSL_PORT
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:SASL_PLAINTEXT
PROPS
  )
  admin_config "$ADMIN_CONFIG"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then write_config; fi
