#!/usr/bin/env bash
# Apache Kafka (KRaft) on 127.0.0.1, assembled from Maven Central artifacts: one node, or a
# cluster of ZR_KAFKA_NODES (3 for the fault suite: each topic on every node, 2 in sync).
# usage: deploy/kafka.sh start|stop|status|reset|kill NODE|leader|bootstrap
#   start      starts every node that is not running (and provisions, once per rule change)
#   kill NODE  kills node NODE at once (SIGKILL), as a crash would; start brings it back
#   leader     the id of the node that leads the KRaft quorum (the active controller)
#   bootstrap  the client addresses of every node (host:port,...)
# Node N listens on the ports ZR_KAFKA_PORT, ZR_KAFKA_CONTROLLER_PORT, ZR_KAFKA_SSL_PORT
# (9092, 9093, 9094) plus 100 * (N - 1). The jars are fetched once with Maven
# (deploy/kafka/pom.xml) and cached in var/kafka/libs.
source "$(dirname "$0")/lib.sh"

NODES="${ZR_KAFKA_NODES:-1}"
KPORT="${ZR_KAFKA_PORT:-9092}"
KCPORT="${ZR_KAFKA_CONTROLLER_PORT:-9093}"
KSSLPORT="${ZR_KAFKA_SSL_PORT:-9094}"
KDIR="$VAR/kafka"
LIBS="${ZR_KAFKA_LIBS:-$ROOT/var/kafka/libs}"
[[ "$NODES" =~ ^[1-9]$ ]] || fail "ZR_KAFKA_NODES must be a number of nodes from 1 to 9, not '$NODES'"

node_dir() { echo "$KDIR/node-$1"; }
port_of() { echo $((KPORT + 100 * ($1 - 1))); }
cport_of() { echo $((KCPORT + 100 * ($1 - 1))); }
sslport_of() { echo $((KSSLPORT + 100 * ($1 - 1))); }
log_of() { echo "$VAR/log/kafka-$1.log"; }
node_ids() { seq 1 "$NODES"; }
voters() {
  local n out=()
  for n in $(node_ids); do out+=("$n@127.0.0.1:$(cport_of "$n")"); done
  (IFS=,; echo "${out[*]}")
}
bootstrap() {
  local n out=()
  for n in $(node_ids); do out+=("127.0.0.1:$(port_of "$n")"); done
  (IFS=,; echo "${out[*]}")
}
# Every topic on three nodes (or all there are), and an acknowledged write on two of them;
# settings ZR_TOPIC_REPLICATION and ZR_TOPIC_MIN_INSYNC (and ZR_TOPIC_PARTITIONS) override.
replication() { echo "${ZR_TOPIC_REPLICATION:-$((NODES < 3 ? NODES : 3))}"; }
min_insync() { echo "${ZR_TOPIC_MIN_INSYNC:-$((NODES < 3 ? 1 : 2))}"; }

need_java() {
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  local v
  v=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  [ "${v:-0}" -ge 17 ] || fail "Kafka 4 needs Java 17 or newer (found ${v:-none}): install openjdk-17-jre-headless"
}

fetch_jars() {
  local want; want=$(sha256sum "$ROOT/deploy/kafka/pom.xml" | cut -c1-16)
  if [ "$(cat "$LIBS/.complete" 2>/dev/null)" = "$want" ]; then return; fi
  command -v mvn >/dev/null || apt_install maven
  say "fetching Kafka jars from Maven Central (once; cached in $LIBS)"
  rm -rf "$LIBS"; mkdir -p "$LIBS"
  mvn -B -q -f "$ROOT/deploy/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$LIBS" -DincludeScope=runtime \
    || fail "Maven could not fetch the Kafka jars (see output above)"
  echo "$want" >"$LIBS/.complete"
}

PRINCIPALS="$ROOT/deploy/kafka/principals"
source "$ROOT/deploy/kafka/access.sh"
# What the provisioning of users, topics and ACLs depends on: redone when it changes.
provision_hash() {
  cat "$PRINCIPALS" "$ROOT/deploy/kafka/access.sh" "$ROOT/shared/provisioning.py" \
    "$ROOT/shared/topics.py" | sha256sum | cut -c1-16
}

running() { local pid="$(node_dir "$1")/kafka.pid"; [ -f "$pid" ] && kill -0 "$(cat "$pid")" 2>/dev/null; }

# A node's heap: one node has the machine to itself, a cluster shares it.
heap() { if [ "$NODES" = 1 ]; then echo 1g; else echo 512m; fi; }
java_opts() {
  JAVA_OPTS=("-Xms256m" "-Xmx$(heap)" "-Dlog4j2.configurationFile=$ROOT/deploy/kafka/log4j2.yaml" -cp "$LIBS/*")
}

# The data of a single node from before clusters (var/kafka/data) moves to var/kafka/node-1.
adopt_old_layout() {
  if [ -d "$KDIR/data" ] && [ ! -d "$(node_dir 1)" ]; then
    [ -f "$KDIR/kafka.pid" ] && kill -0 "$(cat "$KDIR/kafka.pid")" 2>/dev/null \
      && fail "a Kafka of the old layout is running (pid $(cat "$KDIR/kafka.pid")); stop it first"
    mkdir -p "$(node_dir 1)"
    mv "$KDIR/data" "$(node_dir 1)/data"
    rm -f "$KDIR/kafka.pid" "$KDIR/server.properties"
    echo 1 >"$KDIR/nodes"
  fi
}

configure() {
  local n=$1 dir; dir=$(node_dir "$n")
  mkdir -p "$dir/data"
  render_server_properties "$dir/server.properties" "$dir/data" "$(port_of "$n")" "$(cport_of "$n")" \
    "$(sslport_of "$n")" "$VAR/certs" "$n" "$(voters)" "$(replication)" "$(min_insync)"
}

format() {
  local n=$1 dir; dir=$(node_dir "$n")
  [ -f "$dir/data/meta.properties" ] && return
  say "Kafka node $n: formatting storage (KRaft) with the SCRAM users of deploy/kafka/principals"
  scram_args
  java "${JAVA_OPTS[@]}" kafka.tools.StorageTool format -t "$(cat "$KDIR/cluster-id")" \
    -c "$dir/server.properties" "${SCRAM_ARGS[@]}" >>"$(log_of "$n")" 2>&1 \
    || fail "formatting Kafka storage of node $n failed; see $(log_of "$n")"
}

launch() {
  local n=$1 dir; dir=$(node_dir "$n")
  say "starting Kafka node $n on 127.0.0.1:$(port_of "$n")"
  nohup java "${JAVA_OPTS[@]}" kafka.Kafka "$dir/server.properties" >>"$(log_of "$n")" 2>&1 &
  echo $! >"$dir/kafka.pid"
}

start() {
  need_java
  fetch_jars
  java_opts
  adopt_old_layout
  mkdir -p "$KDIR"
  if [ -f "$KDIR/nodes" ] && [ "$(cat "$KDIR/nodes")" != "$NODES" ]; then
    fail "this Kafka was formatted for $(cat "$KDIR/nodes") node(s), not $NODES; run 'ZR_KAFKA_NODES=$(cat "$KDIR/nodes") deploy/kafka.sh reset' (deletes the local topics) or start it with ZR_KAFKA_NODES=$(cat "$KDIR/nodes")"
  fi
  "$ROOT/deploy/certs.sh" >/dev/null
  admin_config "$KDIR/admin.properties"
  [ -f "$KDIR/cluster-id" ] || java "${JAVA_OPTS[@]}" kafka.tools.StorageTool random-uuid >"$KDIR/cluster-id"
  local n started=()
  for n in $(node_ids); do
    running "$n" && continue
    configure "$n"
    format "$n"
    launch "$n"
    started+=("$n")
  done
  echo "$NODES" >"$KDIR/nodes"
  for n in "${started[@]}"; do
    wait_port 127.0.0.1 "$(port_of "$n")" 90 || fail "Kafka node $n did not open port $(port_of "$n"); see $(log_of "$n")"
  done
  provision
  for n in "${started[@]}"; do
    wait_port 127.0.0.1 "$(sslport_of "$n")" 30 || fail "Kafka node $n did not open its TLS port; see $(log_of "$n")"
  done
  say "Kafka ready ($NODES node(s)): $(bootstrap), TLS on :$KSSLPORT (SASL/SCRAM-SHA-512, ACLs)"
}

# The deployment "zr": users, topics and least-privilege ACLs (shared/provisioning.py, as
# the admin), once per version of the principals and rules.
provision() {
  local want; want=$(provision_hash)
  [ "$(cat "$KDIR/.provisioned" 2>/dev/null)" = "$want" ] && return
  say "Kafka: provisioning users, topics and ACLs (deploy/kafka/principals, shared/provisioning.py)"
  local users=()
  [ "$(cat "$KDIR/.users" 2>/dev/null)" = "$want" ] || users=(--users)
  (cd "$ROOT" && uv run --frozen python -m shared.provisioning --bootstrap "$(bootstrap)" \
    --replication "$(replication)" --min-insync "$(min_insync)" "${users[@]}") \
    || fail "provisioning Kafka failed (see above)"
  echo "$want" >"$KDIR/.users"
  echo "$want" >"$KDIR/.provisioned"
}

stop_node() {
  local n=$1 pid; pid="$(node_dir "$n")/kafka.pid"
  if running "$n"; then
    kill "$(cat "$pid")"
    for _ in $(seq 1 60); do running "$n" || break; sleep 0.5; done
    running "$n" && kill -9 "$(cat "$pid")"
    say "Kafka node $n stopped"
  fi
  rm -f "$pid"
}

# Brokers go down one by one, the active controller last, so that no node waits for a quorum.
stop() {
  local n leader; leader=$( (leader) 2>/dev/null || true)
  for n in $(node_ids); do [ "$n" = "$leader" ] || stop_node "$n"; done
  [ -z "$leader" ] || stop_node "$leader"
}

kill_node() {
  local n=${1:?usage: deploy/kafka.sh kill NODE}
  running "$n" || fail "Kafka node $n is not running"
  kill -9 "$(cat "$(node_dir "$n")/kafka.pid")"
  rm -f "$(node_dir "$n")/kafka.pid"
  say "Kafka node $n killed"
}

leader() {
  local n
  java_opts
  for n in $(node_ids); do
    running "$n" || continue
    java "${JAVA_OPTS[@]}" org.apache.kafka.tools.MetadataQuorumCommand \
      --bootstrap-server "127.0.0.1:$(port_of "$n")" --command-config "$KDIR/admin.properties" \
      describe --status 2>/dev/null | awk -F'[: \t]+' '$1 == "LeaderId" { print $2; found = 1 } END { exit !found }' \
      && return
  done
  fail "no running Kafka node knows the quorum's leader"
}

status() {
  local n down=0
  for n in $(node_ids); do
    if running "$n"; then say "Kafka node $n running on $(port_of "$n")"; else say "Kafka node $n stopped"; down=1; fi
  done
  [ "$down" = 0 ] || return 3
}

# Development only: stop and delete the brokers' data (topics and offsets); the jars stay.
reset() {
  stop
  rm -rf "$KDIR"/node-* "$KDIR/data" "$KDIR/nodes" "$KDIR/cluster-id" "$KDIR/admin.properties" \
    "$KDIR/.provisioned" "$KDIR/.users" "$KDIR/server.properties"
  say "Kafka data deleted"
}

case "${1:-}" in
  start) start ;; stop) stop ;; status) status ;; reset) reset ;;
  kill) kill_node "${2:-}" ;; leader) leader ;; bootstrap) bootstrap ;;
  *) echo "usage: $0 start|stop|status|reset|kill NODE|leader|bootstrap" >&2; exit 2 ;;
esac
