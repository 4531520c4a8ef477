#!/usr/bin/env bash
# Generates the TLS test certificates into DIR (default /tmp/psnettools-peers/certs), in about a second:
#   ca.crt                      test root CA
#   int.crt                     intermediate CA signed by the root
#   leaf.crt/.key, leaf-chain.crt   localhost (SAN DNS:localhost, IP:127.0.0.1, IP:::1) signed by the intermediate;
#                               leaf-chain = leaf + intermediate, as a server sends it
#   selfsigned.crt/.key         self-signed, CN and SAN localhost
#   wronghost.crt/.key          signed by the root for DNS:wrong.example only
#   expired.crt/.key            signed by the root, valid 2020-01-01 to 2021-01-01 (openssl ca can backdate; x509 cannot)
#   leaf.pfx                    leaf + key as PKCS#12 (password "test"), for Start-TcpEchoServer -CertificatePath
#   interop.crt/.key            signed by the root for DNS:*.test.google.fr and foo.test.google.fr only, as the gRPC
#                               interop tests' server1.pem: a client at 127.0.0.1 needs an authority override
# Usage: tests/peers/certs.sh [DIR]
set -euo pipefail
dir="${1:-/tmp/psnettools-peers/certs}"
mkdir -p "$dir"; cd "$dir"
command -v openssl >/dev/null || { echo "certs.sh: openssl is missing: run 'sudo bash tests/peers/install.sh'" >&2; exit 1; }
q() { openssl "$@" 2>/dev/null; }
key() { q genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
interop() {
  printf 'subjectAltName=DNS:*.test.google.fr,DNS:foo.test.google.fr\nextendedKeyUsage=serverAuth\n' > interop.ext
  key interop.key
  q req -new -key interop.key -subj "/CN=*.test.google.fr" -out interop.csr
  q x509 -req -in interop.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365 -extfile interop.ext -out interop.crt
}
# A directory from before interop.crt gets it signed by its own root, the rest untouched.
[[ -f leaf-chain.crt && -f expired.crt && -f leaf.pfx ]] && { [[ -f interop.crt ]] || interop; echo "$dir"; exit 0; }

key ca.key
q req -x509 -new -key ca.key -days 3650 -subj "/CN=PSNetTools Test Root CA" -out ca.crt \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"

printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' > int.ext
key int.key
q req -new -key int.key -subj "/CN=PSNetTools Test Intermediate CA" -out int.csr
q x509 -req -in int.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile int.ext -out int.crt

printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n' > leaf.ext
key leaf.key
q req -new -key leaf.key -subj "/CN=localhost" -out leaf.csr
q x509 -req -in leaf.csr -CA int.crt -CAkey int.key -CAcreateserial -days 365 -extfile leaf.ext -out leaf.crt
cat leaf.crt int.crt > leaf-chain.crt
q pkcs12 -export -inkey leaf.key -in leaf.crt -certfile int.crt -passout pass:test -out leaf.pfx

key selfsigned.key
q req -x509 -new -key selfsigned.key -days 365 -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -out selfsigned.crt

printf 'subjectAltName=DNS:wrong.example\nextendedKeyUsage=serverAuth\n' > wh.ext
key wronghost.key
q req -new -key wronghost.key -subj "/CN=wrong.example" -out wronghost.csr
q x509 -req -in wronghost.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365 -extfile wh.ext -out wronghost.crt

mkdir -p caDB; : > caDB/index.txt; echo 1000 > caDB/serial
cat > ca.cnf <<'CNF'
[ca]
default_ca = CA_default
[CA_default]
database = caDB/index.txt
new_certs_dir = caDB
serial = caDB/serial
default_md = sha256
policy = policy_any
copy_extensions = copy
[policy_any]
commonName = supplied
CNF
key expired.key
q req -new -key expired.key -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -out expired.csr
q ca -batch -config ca.cnf -cert ca.crt -keyfile ca.key -startdate 20200101000000Z -enddate 20210101000000Z -in expired.csr -out expired.crt -notext
interop
[[ -s expired.crt && -s leaf-chain.crt && -s leaf.pfx && -s interop.crt ]] || { echo "certs.sh: generation failed in $dir" >&2; exit 1; }
echo "$dir"
