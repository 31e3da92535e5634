#!/usr/bin/env bash
# Prometheus (Debian's package) scraping every process of the system, with the alert rules
# of deploy/prometheus/alerts.yml, on 127.0.0.1:9090.
# usage: deploy/prometheus.sh start TARGET... | stop
#   TARGET: job=host:port (e.g. regions=127.0.0.1:8011 regions=127.0.0.1:8021); every
#   target serves /metrics; the instances of a job are given one by one.
source "$(dirname "$0")/lib.sh"
PDIR="$VAR/prometheus"
PORT="${ZR_PROMETHEUS_PORT:-9090}"
PIDFILE="$PDIR/prometheus.pid"

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

start() {
  command -v prometheus >/dev/null || apt_install prometheus
  mkdir -p "$PDIR/data"
  {
    echo "global: {scrape_interval: 5s, evaluation_interval: 5s}"
    echo "rule_files: ['$ROOT/deploy/prometheus/alerts.yml']"
    echo "scrape_configs:"
    # One job per name, with every instance of it (job=... given once per instance).
    local target job
    declare -A targets=()
    local order=()
    for target in "$@"; do
      job="${target%%=*}"
      [ -n "${targets[$job]:-}" ] || order+=("$job")
      targets[$job]="${targets[$job]:+${targets[$job]}, }'${target#*=}'"
    done
    for job in "${order[@]}"; do
      echo "  - job_name: '$job'"
      echo "    static_configs: [{targets: [${targets[$job]}]}]"
    done
  } >"$PDIR/prometheus.yml"
  promtool check config "$PDIR/prometheus.yml" >/dev/null || fail "the Prometheus configuration is not valid"
  stop
  say "starting Prometheus on http://127.0.0.1:$PORT (scraping: $*)"
  nohup prometheus --config.file="$PDIR/prometheus.yml" --storage.tsdb.path="$PDIR/data" \
    --web.listen-address="127.0.0.1:$PORT" >>"$VAR/log/prometheus.log" 2>&1 &
  echo $! >"$PIDFILE"
  wait_port 127.0.0.1 "$PORT" 30 || fail "Prometheus did not start; see var/log/prometheus.log"
}

stop() { if running; then kill "$(cat "$PIDFILE")"; rm -f "$PIDFILE"; fi; }

case "${1:-}" in
  start) shift; start "$@" ;; stop) stop ;;
  *) echo "usage: $0 start job=host:port... | stop" >&2; exit 2 ;;
esac
