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
