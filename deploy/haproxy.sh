#!/usr/bin/env bash
# HAProxy (Debian's package) in front of every instance of the services: one frontend per
# service on its public port, round robin over the instances that answer GET /readyz with
# 200 (checked every second; two failures take an instance out, one success brings it back),
# a request that could not reach an instance sent to another one. Its own view (which
# instance is up) on http://127.0.0.1:$ZR_HAPROXY_STATS_PORT/ and its metrics on /metrics.
# usage: deploy/haproxy.sh start SERVICE=PORT:HOST:PORT[,HOST:PORT...]... | stop | status
#   e.g. regions=8001:127.0.0.1:8011,127.0.0.1:8021
source "$(dirname "$0")/lib.sh"
HDIR="$VAR/haproxy"
STATS_PORT="${ZR_HAPROXY_STATS_PORT:-8404}"
PIDFILE="$HDIR/haproxy.pid"

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

config() {
  cat <<CFG
global
  log stdout format raw local0 info
  stats socket $HDIR/admin.sock mode 600 level admin

defaults
  mode http
  log global
  option httplog
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout http-request 10s
  # A request that found no instance (connection refused) goes to another one. Only then:
  # a command that reached an instance is not sent twice by the balancer (the clients retry
  # with their Idempotency-Key).
  retries 2
  option redispatch
  retry-on conn-failure
  default-server inter 1s fastinter 500ms fall 2 rise 1

frontend stats
  bind 127.0.0.1:$STATS_PORT
  http-request use-service prometheus-exporter if { path /metrics }
  stats enable
  stats uri /
  stats refresh 5s
CFG
  local spec svc rest port servers server i
  for spec in "$@"; do
    svc="${spec%%=*}" rest="${spec#*=}"
    port="${rest%%:*}" servers="${rest#*:}"
    [[ "$svc" =~ ^[a-z]+$ && "$port" =~ ^[0-9]+$ && -n "$servers" ]] \
      || fail "not SERVICE=PORT:HOST:PORT[,HOST:PORT...]: '$spec'"
    printf '\nfrontend %s\n  bind 127.0.0.1:%s\n  default_backend %s\n' "$svc" "$port" "$svc"
    printf '\nbackend %s\n  balance roundrobin\n  option httpchk GET /readyz\n' "$svc"
    printf '  http-check expect status 200\n'
    i=0
    IFS=, read -ra list <<<"$servers"
    for server in "${list[@]}"; do
      i=$((i + 1))
      printf '  server %s-%d %s check\n' "$svc" "$i" "$server"
    done
  done
}

start() {
  command -v haproxy >/dev/null || apt_install haproxy
  [ $# -gt 0 ] || fail "usage: $0 start SERVICE=PORT:HOST:PORT[,HOST:PORT...]..."
  mkdir -p "$HDIR"
  config "$@" >"$HDIR/haproxy.cfg"
  haproxy -c -q -f "$HDIR/haproxy.cfg" || fail "the HAProxy configuration is not valid ($HDIR/haproxy.cfg)"
  stop
  say "starting HAProxy: $* (its view: http://127.0.0.1:$STATS_PORT/)"
  nohup haproxy -W -f "$HDIR/haproxy.cfg" >>"$VAR/log/haproxy.log" 2>&1 &
  echo $! >"$PIDFILE"
  wait_port 127.0.0.1 "$STATS_PORT" 30 || fail "HAProxy did not start; see var/log/haproxy.log"
}

stop() {
  if running; then
    kill "$(cat "$PIDFILE")"
    for _ in $(seq 1 50); do running || break; sleep 0.1; done
  fi
  rm -f "$PIDFILE"
}

status() {
  running || { echo "HAProxy is not running"; exit 1; }
  curl -fsS "http://127.0.0.1:$STATS_PORT/;csv" | awk -F, 'NR > 1 && $2 != "FRONTEND" && $2 != "BACKEND" { print $1, $2, $18 }'
}

case "${1:-}" in
  start) shift; start "$@" ;; stop) stop ;; status) status ;;
  *) echo "usage: $0 start SERVICE=PORT:HOST:PORT[,HOST:PORT...]... | stop | status" >&2; exit 2 ;;
esac
