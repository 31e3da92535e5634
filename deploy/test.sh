#!/usr/bin/env bash
# Runs the whole test suite against the real PostgreSQL and Kafka, starting them if needed.
# Extra arguments go to pytest (e.g. deploy/test.sh tests/unit -k money).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

"$ROOT/deploy/bootstrap.sh"
"$ROOT/deploy/postgres.sh" start
"$ROOT/deploy/kafka.sh" start
say "docker-compose.yml is valid (docker-compose config -q)"
if ! command -v docker-compose >/dev/null; then
  if is_root; then apt_install docker-compose; else say "docker-compose not installed: compose check left out"; fi
fi
if command -v docker-compose >/dev/null; then
  # Every secret is required: without them compose refuses; with a fresh set it is valid.
  if docker-compose config -q >/dev/null 2>&1; then fail "docker-compose.yml runs without its secrets"; fi
  "$ROOT/deploy/compose/secrets.sh" >"$VAR/compose.env"
  docker-compose --env-file "$VAR/compose.env" config -q
fi
if ! command -v prometheus >/dev/null || ! command -v haproxy >/dev/null; then
  say "installing Debian's prometheus and haproxy (the metrics test, the load balancer)"
  apt_install prometheus haproxy
fi
if [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's chromium for the dashboard's browser test"
  apt_install chromium
fi
say "lint (ruff) and types (mypy)"
uv run --frozen ruff check .
uv run --frozen ruff format --check .
uv run --frozen mypy
say "tests"
exec uv run --frozen pytest "$@"
