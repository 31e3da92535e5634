# Common helpers for the deploy scripts (sourced, not run).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR="${ZR_VAR_DIR:-$ROOT/var}"
mkdir -p "$VAR/log"

# Where pip puts the tools it installs (uv), whether or not a pyenv shim exists for them yet.
if command -v python3 >/dev/null; then
  PATH="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH"
  PATH="$(python3 -m site --user-base 2>/dev/null || echo "$HOME/.local")/bin:$PATH"
  export PATH
fi

say()  { printf '\033[1m[zr]\033[0m %s\n' "$*"; }
fail() { printf '\033[31m[zr] %s\033[0m\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

# apt_install PKG...: installs Debian packages when we are root; otherwise says what to run.
apt_install() {
  if is_root && command -v apt-get >/dev/null; then
    if [ ! -f "$VAR/.apt-updated" ]; then
      say "apt-get update"
      apt-get update -qq >/dev/null && touch "$VAR/.apt-updated"
    fi
    say "installing $* (Debian packages)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    fail "missing prerequisite: please install the Debian package(s) '$*' (sudo apt-get install $*)"
  fi
}

# wait_port HOST PORT SECONDS
wait_port() {
  local host=$1 port=$2 deadline=$((SECONDS + $3))
  until (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.3
  done
}

# role_password ROLE: a PostgreSQL role's password, ZR_PG_PASSWORD_<ROLE> (upper case) or
# in development "<role>-dev-password" (refused in production)
role_password() {
  local var; var="ZR_PG_PASSWORD_$(echo "$1" | tr 'a-z' 'A-Z')"
  echo "${!var:-$1-dev-password}"
}

# service_db_env SERVICE: the service's database settings: its own role, which owns
# nothing (the owner migrates)
service_db_env() {
  local p; p=$(echo "$1" | tr 'a-z' 'A-Z')
  echo "${p}_PG_USER=zr_$1" "${p}_PG_PASSWORD=$(role_password "zr_$1")" "${p}_PG_CREATE_SCHEMA=false"
}

# owner_db_env SERVICE: the owner's credentials, for `python -m services.<service> migrate`
owner_db_env() {
  local p; p=$(echo "$1" | tr 'a-z' 'A-Z')
  echo "${p}_PG_OWNER_USER=zr_$1_owner" "${p}_PG_OWNER_PASSWORD=$(role_password "zr_$1_owner")"
}
