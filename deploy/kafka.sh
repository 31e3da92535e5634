#!/usr/bin/env bash
# Apache Kafka (KRaft, one node on 127.0.0.1) assembled from Maven Central artifacts.
# usage: deploy/kafka.sh start|stop|status
# The jars are fetched once with Maven (deploy/kafka/pom.xml) and cached in var/kafka/libs.
source "$(dirname "$0")/lib.sh"

KPORT="${ZR_KAFKA_PORT:-9092}"
KCPORT="${ZR_KAFKA_CONTROLLER_PORT:-9093}"
KSSLPORT="${ZR_KAFKA_SSL_PORT:-9094}"
KDIR="$VAR/kafka"
LIBS="$KDIR/libs"
PIDFILE="$KDIR/kafka.pid"
LOG="$VAR/log/kafka.log"

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

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

JAVA_OPTS=(-Xms256m -Xmx1g "-Dlog4j2.configurationFile=$ROOT/deploy/kafka/log4j2.yaml" -cp "$LIBS/*")

start() {
  need_java
  fetch_jars
  if running; then say "Kafka already running on 127.0.0.1:$KPORT"; provision; return; fi
  mkdir -p "$KDIR/data"
  "$ROOT/deploy/certs.sh" >/dev/null
  sed -e "s#@DATA_DIR@#$KDIR/data#" -e "s#@PORT@#$KPORT#" -e "s#@CONTROLLER_PORT@#$KCPORT#" \
    -e "s#@SSL_PORT@#$KSSLPORT#" -e "s#@CERT_DIR@#$VAR/certs#g" \
    -e "s#@ADMIN_PASSWORD@#$(password_of admin)#g" \
    -e "s#@CONTROLLER_PASSWORD@#$(password_of controller)#g" \
    "$ROOT/deploy/kafka/server.properties.in" >"$KDIR/server.properties"
  chmod 600 "$KDIR/server.properties"
  admin_config "$KDIR/admin.properties"
  if [ -f "$KDIR/data/meta.properties" ] && [ ! -f "$KDIR/data/.sasl" ]; then
    fail "this Kafka data is from before SASL/ACLs; run 'deploy/kafka.sh reset' (deletes the local topics) and start again"
  fi
  if [ ! -f "$KDIR/data/meta.properties" ]; then
    say "formatting Kafka storage (KRaft) with the SCRAM users of deploy/kafka/principals"
    [ -f "$KDIR/cluster-id" ] || java "${JAVA_OPTS[@]}" kafka.tools.StorageTool random-uuid >"$KDIR/cluster-id"
    scram_args
    java "${JAVA_OPTS[@]}" kafka.tools.StorageTool format -t "$(cat "$KDIR/cluster-id")" \
      -c "$KDIR/server.properties" "${SCRAM_ARGS[@]}" >>"$LOG" 2>&1 || fail "formatting Kafka storage failed; see $LOG"
    touch "$KDIR/data/.sasl"
    provision_hash >"$KDIR/data/.users"
  fi
  say "starting Kafka on 127.0.0.1:$KPORT"
  nohup java "${JAVA_OPTS[@]}" kafka.Kafka "$KDIR/server.properties" >>"$LOG" 2>&1 &
  echo $! >"$PIDFILE"
  wait_port 127.0.0.1 "$KPORT" 90 || fail "Kafka did not open port $KPORT; see $LOG"
  provision
  wait_port 127.0.0.1 "$KSSLPORT" 30 || fail "Kafka did not open its TLS port $KSSLPORT; see $LOG"
  say "Kafka ready on 127.0.0.1:$KPORT and with TLS on :$KSSLPORT (SASL/SCRAM-SHA-512, ACLs)"
}

# The deployment "zr": users, topics and least-privilege ACLs (shared/provisioning.py, as
# the admin), once per version of the principals and rules.
provision() {
  local want; want=$(provision_hash)
  [ "$(cat "$KDIR/data/.provisioned" 2>/dev/null)" = "$want" ] && return
  say "Kafka: provisioning users, topics and ACLs (deploy/kafka/principals, shared/provisioning.py)"
  local users=()
  [ "$(cat "$KDIR/data/.users" 2>/dev/null)" = "$want" ] || users=(--users)
  (cd "$ROOT" && uv run --frozen python -m shared.provisioning --bootstrap "127.0.0.1:$KPORT" "${users[@]}") \
    || fail "provisioning Kafka failed (see above)"
  echo "$want" >"$KDIR/data/.users"
  echo "$want" >"$KDIR/data/.provisioned"
}

stop() {
  if running; then
    kill "$(cat "$PIDFILE")"
    for _ in $(seq 1 60); do running || break; sleep 0.5; done
    running && kill -9 "$(cat "$PIDFILE")"
    say "Kafka stopped"
  fi
  rm -f "$PIDFILE"
}

status() { if running; then say "Kafka running on $KPORT"; else say "Kafka stopped"; return 3; fi; }

# Development only: stop and delete the broker's data (topics and offsets); the jars stay.
reset() { stop; rm -rf "$KDIR/data" "$KDIR/server.properties" "$KDIR/admin.properties"; say "Kafka data deleted"; }

case "${1:-}" in
  start) start ;; stop) stop ;; status) status ;; reset) reset ;;
  *) echo "usage: $0 start|stop|status|reset" >&2; exit 2 ;;
esac
