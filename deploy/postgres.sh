#!/usr/bin/env bash
# PostgreSQL for development and tests, from Debian's package, in var/postgres.
# usage: deploy/postgres.sh start|stop|status|reset|crash
# One database per service (zr_regions, zr_funding, zr_reporting). Each belongs to an owner
# role (zr_<service>_owner: creates the tables, `python -m services.<service> migrate`);
# the service runs as a role of its own (zr_<service>) that owns nothing and may connect
# to its own database only. The role zr is the developers' and tests' DBA: it creates
# databases and may act as every owner. Passwords: ZR_PG_PASSWORD_<ROLE> (upper case), in
# development "<role>-dev-password" (refused in production).
source "$(dirname "$0")/lib.sh"

PGPORT="${ZR_PG_PORT:-5433}"
# As root the cluster lives under the postgres user's home (a clone under /root is not
# readable by that user); otherwise in var/postgres of this checkout.
if is_root; then
  PGDATA="${ZR_PG_DATA:-/var/lib/postgresql/zr-$(printf %s "$ROOT" | md5sum | cut -c1-8)}"
else
  PGDATA="${ZR_PG_DATA:-$VAR/postgres}"
fi
PGLOG="$PGDATA.log"
PGUSER_APP="${ZR_PG_USER:-zr}"
PGPASS_APP="${ZR_PG_PASSWORD:-zr-dev-password}"
SERVICES=(regions funding reporting)

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$d" ] || [ ! -x "$d/postgres" ]; then
    apt_install postgresql
    d=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  echo "$d"
}

# initdb and postgres refuse to run as root: run them as the postgres user then.
as_pg() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() { [ -f "$PGDATA/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

psql_super() { PGOPTIONS='-c client_min_messages=warning' as_pg "$BIN/psql" -h "$PGDATA" -p "$PGPORT" -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

start() {
  BIN=$(pg_bin)
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    say "initialising PostgreSQL cluster in $PGDATA"
    mkdir -p "$PGDATA"
    if is_root; then chown postgres:postgres "$PGDATA"; fi
    as_pg "$BIN/initdb" -D "$PGDATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  install_certificate
  if running && [ "$(psql_super -c 'SHOW ssl')" = on ]; then
    say "PostgreSQL already running on 127.0.0.1:$PGPORT"
  else
    running && as_pg "$BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null  # TLS was off
    say "starting PostgreSQL on 127.0.0.1:$PGPORT (TLS: certificate of deploy/certs.sh)"
    touch "$PGLOG"; if is_root; then chown postgres "$PGLOG"; fi
    as_pg "$BIN/pg_ctl" -D "$PGDATA" -l "$PGLOG" -w -t 60 start \
      -o "-p $PGPORT -k $PGDATA -c listen_addresses=127.0.0.1 -c max_connections=300 -c ssl=on" \
      >/dev/null || fail "PostgreSQL did not start; see $PGLOG"
  fi
  psql_super -c "SELECT 1 FROM pg_roles WHERE rolname='$PGUSER_APP'" | grep -q 1 \
    || psql_super -c "CREATE ROLE $PGUSER_APP LOGIN CREATEDB PASSWORD '$PGPASS_APP'"
  local svc db owner
  for svc in "${SERVICES[@]}"; do
    db="zr_$svc" owner="zr_${svc}_owner"
    login_role "$owner"
    login_role "zr_$svc"
    psql_super -c "GRANT $owner TO $PGUSER_APP"
    if ! psql_super -c "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1; then
      psql_super -c "CREATE DATABASE $db OWNER $owner"
    elif [ "$(psql_super -c "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname='$db'")" != "$owner" ]; then
      fail "the database $db is from before the per-service roles (owned by another role): 'make reset' deletes the development data"
    fi
    psql_super -c "REVOKE ALL ON DATABASE $db FROM PUBLIC" \
      -c "GRANT CONNECT, TEMPORARY ON DATABASE $db TO zr_$svc"
  done
  say "PostgreSQL ready: databases zr_regions zr_funding zr_reporting (owner and service role each)"
}

# login_role ROLE: exists, may log in, has its password (idempotent)
login_role() {
  psql_super -c "SELECT 1 FROM pg_roles WHERE rolname='$1'" | grep -q 1 \
    || psql_super -c "CREATE ROLE $1 LOGIN"
  psql_super -c "ALTER ROLE $1 LOGIN PASSWORD '$(role_password "$1")'"
}

# The server's certificate and key (deploy/certs.sh) where PostgreSQL looks for them, its
# own files: the key readable by the server's user only, as PostgreSQL demands.
install_certificate() {
  "$ROOT/deploy/certs.sh" >/dev/null
  local owner=(); if is_root; then owner=(-o postgres -g postgres); fi
  install "${owner[@]}" -m 600 "$VAR/certs/postgres.key" "$PGDATA/server.key"
  install "${owner[@]}" -m 644 "$VAR/certs/postgres.crt" "$PGDATA/server.crt"
}

stop() {
  BIN=$(pg_bin)
  if running; then as_pg "$BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null; say "PostgreSQL stopped"; fi
}

status() { BIN=$(pg_bin); if running; then say "PostgreSQL running on $PGPORT"; else say "PostgreSQL stopped"; return 3; fi; }

# As the superuser, SQL from stdin against a database (tests: what an attacker with the
# database server's keys could do).
sql() { BIN=$(pg_bin); as_pg "$BIN/psql" -h "$PGDATA" -p "$PGPORT" -d "$1" -v ON_ERROR_STOP=1 -qtA; }

# Fault injection (tests): a crash, as if the machine lost power; `start` recovers it.
crash() { BIN=$(pg_bin); if running; then as_pg "$BIN/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null; say "PostgreSQL crashed (immediate stop)"; fi; }

# Development only: stop and delete the cluster, so the next start begins empty.
reset() { stop; rm -rf "$PGDATA" "$PGLOG"; say "PostgreSQL data deleted ($PGDATA)"; }

case "${1:-}" in
  start) start ;; stop) stop ;; status) status ;; reset) reset ;; crash) crash ;;
  sql) sql "${2:?usage: $0 sql DATABASE < statements.sql}" ;;
  *) echo "usage: $0 start|stop|status|reset|crash|sql DATABASE" >&2; exit 2 ;;
esac
