# Kafka users at format time, shared by deploy/kafka.sh (local) and deploy/compose/kafka.sh
# (container). Sourced; the caller defines PRINCIPALS (the file deploy/kafka/principals).
# Topics and ACLs are provisioned afterwards by `python -m shared.provisioning`.

# name kind, one per line
principals() { grep -v '^\s*#' "$PRINCIPALS" | awk 'NF { print $1, $2 }'; }
names_of() { principals | awk -v k="$1" '$2 == k { print $1 }'; }
# ZR_KAFKA_PASSWORD_<NAME> (upper case, "-" as "_"), or "<name>-dev-password" in development
password_of() {
  local var
  var="ZR_KAFKA_PASSWORD_$(echo "$1" | tr 'a-z-' 'A-Z_')"
  echo "${!var:-$1-dev-password}"
}
TOPIC_PREFIX="${ZR_TOPIC_PREFIX:-zr}"

# render_server_properties OUT DATA PORT CONTROLLER_PORT SSL_PORT CERT_DIR NODE_ID VOTERS RF MIN_ISR:
# a node's server.properties from deploy/kafka/server.properties.in (the caller may append
# to it); readable by its owner only (the admin's and the controller's passwords are in it).
render_server_properties() {
  local out=$1 data=$2 port=$3 cport=$4 sport=$5 certs=$6 node=$7 voters=$8 rf=$9 isr=${10}
  (
    umask 077
    sed -e "s#@DATA_DIR@#$data#" -e "s#@PORT@#$port#" -e "s#@CONTROLLER_PORT@#$cport#" \
      -e "s#@SSL_PORT@#$sport#" -e "s#@CERT_DIR@#$certs#g" -e "s#@NODE_ID@#$node#" \
      -e "s#@VOTERS@#$voters#" -e "s#@RF@#$rf#g" -e "s#@MIN_ISR@#$isr#g" \
      -e "s#@ADMIN_PASSWORD@#$(password_of admin)#g" \
      -e "s#@CONTROLLER_PASSWORD@#$(password_of controller)#g" \
      "$(dirname "${BASH_SOURCE[0]}")/server.properties.in" >"$out"
  )
}

# admin_config FILE: the admin's client settings, for Kafka's command-line tools.
admin_config() {
  cat >"$1" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(password_of admin)";
PROPS
  chmod 600 "$1"
}

# --add-scram arguments for `kafka-storage format`: every user exists from the start.
scram_args() {
  SCRAM_ARGS=()
  local name
  for name in $(principals | awk '{ print $1 }'); do
    SCRAM_ARGS+=(--add-scram "SCRAM-SHA-512=[name=$name,password=$(password_of "$name")]")
  done
}
