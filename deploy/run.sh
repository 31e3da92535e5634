#!/usr/bin/env bash
# Starts the whole system in the foreground: PostgreSQL, Kafka, the three services (two
# instances each behind HAProxy) and Prometheus. Ctrl-C stops the services, HAProxy and
# Prometheus; `make stop` also stops PostgreSQL and Kafka.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
# A development system: development passwords and signing key (refused in production).
export ZR_ENVIRONMENT="${ZR_ENVIRONMENT:-development}"

"$ROOT/deploy/bootstrap.sh"
"$ROOT/deploy/postgres.sh" start
"$ROOT/deploy/kafka.sh" start

# Each service runs as ZR_INSTANCES processes (2 by default; API, relay and consumer in
# each: one relay is active and the others stand by, the consumers share one group), on
# ports base+10·i, behind HAProxy on the service's own port.
INSTANCES="${ZR_INSTANCES:-2}"
[[ "$INSTANCES" =~ ^[1-9]$ ]] || fail "ZR_INSTANCES must be a number from 1 to 9, not '$INSTANCES'"
SERVICES=(regions funding reporting)
declare -A PORTS=([regions]=8001 [funding]=8002 [reporting]=8003)
instance_port() { echo $((PORTS[$1] + 10 * $2)); }
# Where a service reaches another: regions asks funding (through the balancer) to hold a
# budget cut before it records it.
declare -A REACH=([regions]="REGIONS_FUNDING_URL=http://127.0.0.1:${PORTS[funding]}")
PIDS=()
cleanup() {
  trap - EXIT INT TERM
  say "stopping the services, HAProxy and Prometheus"
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "$ROOT/deploy/haproxy.sh" stop || true
  "$ROOT/deploy/prometheus.sh" stop || true
}
trap cleanup EXIT INT TERM

for svc in "${SERVICES[@]}"; do
  say "migrating $svc's database as its owner (tables, guards, grants)"
  env $(service_db_env "$svc") $(owner_db_env "$svc") \
    uv run --frozen python -m "services.$svc" migrate >>"$VAR/log/$svc.log" 2>&1 \
    || fail "migrating $svc failed; see var/log/$svc.log"
done
balanced=() scraped=()
for svc in "${SERVICES[@]}"; do
  prefix=$(echo "$svc" | tr 'a-z' 'A-Z') servers=()
  for i in $(seq 1 "$INSTANCES"); do
    port=$(instance_port "$svc" "$i")
    say "starting $svc #$i on 127.0.0.1:$port as role zr_$svc (log: var/log/$svc-$i.log)"
    env $(service_db_env "$svc") "${prefix}_HTTP_PORT=$port" \
      "${prefix}_TRACES_FILE=$VAR/log/traces-$svc-$i.jsonl" ${REACH[$svc]:-} \
      uv run --frozen python -m "services.$svc" serve >>"$VAR/log/$svc-$i.log" 2>&1 &
    PIDS+=($!) servers+=("127.0.0.1:$port") scraped+=("$svc=127.0.0.1:$port")
  done
  balanced+=("$svc=${PORTS[$svc]}:$(IFS=,; echo "${servers[*]}")")
done
for svc in "${SERVICES[@]}"; do
  for i in $(seq 1 "$INSTANCES"); do
    url="http://127.0.0.1:$(instance_port "$svc" "$i")/readyz"
    for _ in $(seq 1 120); do curl -fs "$url" >/dev/null 2>&1 && break; sleep 0.5; done
    curl -fs "$url" >/dev/null || fail "$svc #$i did not become ready; see var/log/$svc-$i.log"
  done
done
"$ROOT/deploy/haproxy.sh" start "${balanced[@]}"
for svc in "${SERVICES[@]}"; do
  for _ in $(seq 1 40); do curl -fs "http://127.0.0.1:${PORTS[$svc]}/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
done
"$ROOT/deploy/prometheus.sh" start "${scraped[@]}" "haproxy=127.0.0.1:${ZR_HAPROXY_STATS_PORT:-8404}"

say "loading the programme's 14 regions from the public programme data"
uv run --frozen python -m services.regions.programme_data.load --url http://127.0.0.1:8001 \
  || fail "loading the programme data failed; see the message above"

say "the system is up ($INSTANCES instance(s) of each service behind HAProxy):"
for svc in "${SERVICES[@]}"; do
  say "  $svc  http://127.0.0.1:${PORTS[$svc]}/docs"
done
say "  HAProxy's view of the instances  http://127.0.0.1:${ZR_HAPROXY_STATS_PORT:-8404}/"
say "  Prometheus (metrics, alerts)     http://127.0.0.1:${ZR_PROMETHEUS_PORT:-9090}/alerts"
say "  JSON logs                        var/log/<service>-<instance>.log"
say "a token for trying the APIs: make token ROLE=ministry (or ROLE=regional_management REGION=jadebay)"
say "Ctrl-C stops the services, HAProxy and Prometheus (make stop also stops PostgreSQL and Kafka)"
wait -n "${PIDS[@]}"
fail "a service exited; see var/log/"
