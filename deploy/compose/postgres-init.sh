#!/usr/bin/env bash
# docker-compose.yml's PostgreSQL, first start: the same databases and roles as
# deploy/postgres.sh. Each service's database belongs to its owner role (which migrates
# it); the service runs as a role of its own that may connect to its own database only.
# In a subshell: the image sources an init script that is not executable (a checkout
# without the mode), and its shell options must not leak into the image's entrypoint.
(
set -euo pipefail
password_of() { local var; var="ZR_PG_PASSWORD_$(echo "$1" | tr 'a-z' 'A-Z')"; echo "${!var:?$var is not set}"; }
for svc in regions funding reporting; do
  owner="zr_${svc}_owner" role="zr_$svc" db="zr_$svc"
  psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d postgres <<SQL
CREATE ROLE $owner LOGIN PASSWORD '$(password_of "$owner")';
CREATE ROLE $role LOGIN PASSWORD '$(password_of "$role")';
CREATE DATABASE $db OWNER $owner;
REVOKE ALL ON DATABASE $db FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE $db TO $role;
SQL
done
)
