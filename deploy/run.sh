#!/usr/bin/env bash
# Starts the whole system in the foreground: PostgreSQL, Kafka, and the three services.
# Ctrl-C stops the services; `make stop` also stops PostgreSQL and Kafka.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
# A development system: development passwords and signing key (refused in production).
export ZR_ENVIRONMENT="${ZR_ENVIRONMENT:-development}"

"$ROOT/deploy/bootstrap.sh"
"$ROOT/deploy/postgres.sh" start
"$ROOT/deploy/kafka.sh" start

declare -A PORTS=([regions]=8001 [funding]=8002 [reporting]=8003)
PIDS=()
cleanup() {
  trap - EXIT INT TERM
  say "stopping the services"
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

for svc in regions funding reporting; do
  say "migrating $svc's database as its owner (tables, guards, grants)"
  env $(service_db_env "$svc") $(owner_db_env "$svc") \
    uv run --frozen python -m "services.$svc" migrate >>"$VAR/log/$svc.log" 2>&1 \
    || fail "migrating $svc failed; see var/log/$svc.log"
done
for svc in regions funding reporting; do
  say "starting $svc on http://127.0.0.1:${PORTS[$svc]} as role zr_$svc (log: var/log/$svc.log)"
  env $(service_db_env "$svc") uv run --frozen python -m "services.$svc" serve >>"$VAR/log/$svc.log" 2>&1 &
  PIDS+=($!)
done
for svc in regions funding reporting; do
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:${PORTS[$svc]}/health" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fs "http://127.0.0.1:${PORTS[$svc]}/health" >/dev/null || fail "$svc did not become healthy; see var/log/$svc.log"
done

say "loading the programme's 14 regions from the public programme data"
uv run --frozen python -m services.regions.programme_data.load --url http://127.0.0.1:8001 \
  || fail "loading the programme data failed; see the message above"

say "the system is up:"
for svc in regions funding reporting; do
  say "  $svc  http://127.0.0.1:${PORTS[$svc]}/docs"
done
say "a token for trying the APIs: make token ROLE=ministry (or ROLE=regional_management REGION=jadebay)"
say "Ctrl-C stops the services (make stop also stops PostgreSQL and Kafka)"
wait -n "${PIDS[@]}"
fail "a service exited; see var/log/"
