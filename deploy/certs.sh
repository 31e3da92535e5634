#!/usr/bin/env bash
# Development certificates for TLS to Kafka (SASL_SSL) and PostgreSQL (verify-full): a CA
# of our own and a server certificate for each, valid for 127.0.0.1, localhost and the
# compose hosts (kafka, postgres). openssl only; made once, kept in DIR (var/certs).
# usage: deploy/certs.sh [DIR]
# Production certificates come from the Land's CA, never from here (docs/security.md).
source "$(dirname "$0")/lib.sh"
DIR="${1:-$VAR/certs}"
mkdir -p "$DIR"
cd "$DIR"
umask 077
if [ -f ca.crt ] && [ -f kafka.pem ] && [ -f postgres.key ]; then exit 0; fi
say "making development certificates in $DIR"
openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out ca.key
openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "/CN=Zukunftsregionen development CA" \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" -addext "subjectKeyIdentifier=hash" -out ca.crt
server() {  # NAME.key (PKCS#8, unencrypted), NAME.crt (leaf and CA), NAME.pem (both, for Kafka)
  local n=$1
  openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$n.key"
  openssl req -new -key "$n.key" -subj "/CN=$n" -out "$n.csr"
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:$n" \
    "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >"$n.ext"
  openssl x509 -req -in "$n.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days 825 \
    -extfile "$n.ext" -out "$n.leaf.crt" 2>/dev/null
  cat "$n.leaf.crt" ca.crt >"$n.crt"
  cat "$n.key" "$n.crt" >"$n.pem"
  rm -f "$n.csr" "$n.ext" "$n.leaf.crt"
}
server kafka
server postgres
chmod 644 ca.crt kafka.crt postgres.crt
