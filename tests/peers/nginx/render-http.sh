#!/usr/bin/env bash
# Renders http.conf.template into OUTDIR/nginx.conf with fixed ports (HTTP 4080, HTTPS 4443) and makes the
# generated files it serves (a sparse 100 MB big.bin, a binary.bin). Usage: render-http.sh CERTDIR OUTDIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
certs="$(cd "$1" && pwd)"; out="$2"
mkdir -p "$out/tmp"; out="$(cd "$out" && pwd)"
docroot=/usr/share/doc/python3.11/html
[[ -d $docroot ]] || { echo "render-http.sh: $docroot is missing: run 'sudo bash tests/peers/install.sh' (python3-doc)" >&2; exit 1; }
truncate -s 100M "$out/big.bin"
head -c 65536 /dev/urandom > "$out/binary.bin"
sed -e "s#@PREFIX@#$out#g" -e "s#@CERTS@#$certs#g" -e "s#@DOCROOT@#$docroot#g" -e "s#@SITE@#$here/../web#g" \
    -e 's/@PORT@/4080/g' -e 's/@TLSPORT@/4443/g' "$here/http.conf.template" > "$out/nginx.conf"
