#!/usr/bin/env bash
# Fresh secrets for docker-compose.yml, as an env file: deploy/compose/secrets.sh > .env
# (compose reads .env; keep it out of version control). Every value is random: nothing
# written in the repository works in production, and the services refuse it.
set -euo pipefail
PRINCIPALS="$(dirname "$0")/../kafka/principals"
secret() { openssl rand -base64 33 | tr -d '/+=\n'; }
echo "ZR_PG_PASSWORD=$(secret)"
for role in zr_regions zr_funding zr_reporting; do
  upper=$(echo "$role" | tr 'a-z' 'A-Z')
  echo "ZR_PG_PASSWORD_${upper}=$(secret)"
  echo "ZR_PG_PASSWORD_${upper}_OWNER=$(secret)"
done
echo "ZR_JWT_SECRET=$(secret)$(secret)"
for name in controller $(grep -v '^\s*#' "$PRINCIPALS" | awk 'NF { print $1 }'); do
  echo "ZR_KAFKA_PASSWORD_$(echo "$name" | tr 'a-z-' 'A-Z_')=$(secret)"
done
