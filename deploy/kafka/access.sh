# Kafka users and ACLs, shared by deploy/kafka.sh (local) and deploy/compose/kafka.sh
# (container). Sourced; the caller defines:
#   PRINCIPALS  the file deploy/kafka/principals
#   acl_tool    a function running Kafka's AclCommand with the admin's credentials
#   users_tool  a function running Kafka's ConfigCommand with the admin's credentials

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

# What a running broker is told (idempotent):
#   services: everything on the deployment's topics (prefix) and their consumer groups;
#   agencies: read the two public topics, and their own consumer groups ("<name>.*");
#   nobody else anything (allow.everyone.if.no.acl.found=false).
# With "users", the SCRAM users are (re)created first (a user added after formatting).
grant_access() {
  local pids=() name allow_services=() pid
  if [ "${1:-}" = users ]; then
    for name in $(principals | awk '$2 != "admin" { print $1 }'); do
      users_tool --alter --entity-type users --entity-name "$name" \
        --add-config "SCRAM-SHA-512=[password=$(password_of "$name")]" & pids+=($!)
    done
  fi
  for name in $(names_of service); do allow_services+=(--allow-principal "User:$name"); done
  acl_tool --add --force "${allow_services[@]}" --operation All \
    --topic "$TOPIC_PREFIX" --resource-pattern-type prefixed & pids+=($!)
  acl_tool --add --force "${allow_services[@]}" --operation All --group '*' & pids+=($!)
  grant_public_read & pids+=($!)
  for name in $(names_of agency); do
    acl_tool --add --force --allow-principal "User:$name" --operation Read --operation Describe \
      --group "$name." --resource-pattern-type prefixed & pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || return 1; done
}

# Agencies may read the public topics of the deployment $TOPIC_PREFIX (and no other topic).
grant_public_read() {
  local allow=() name
  for name in $(names_of agency); do allow+=(--allow-principal "User:$name"); done
  acl_tool --add --force "${allow[@]}" --operation Read --operation Describe \
    --topic "$TOPIC_PREFIX.regions.events" --topic "$TOPIC_PREFIX.funding.events"
}
