#!/usr/bin/env bash
# Renders tls.conf.template into OUTDIR/nginx.conf with the fixed ports of peers.sh:
#   4451 self-signed, 4452 expired, 4453 wrong host, 4454 CA -> intermediate -> leaf (chain sent).
# Usage: tests/peers/nginx/render.sh CERTDIR OUTDIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
certs="$(cd "$1" && pwd)"; out="$2"
mkdir -p "$out/tmp"; out="$(cd "$out" && pwd)"
sed -e "s#@PREFIX@#$out#g" -e "s#@CERTS@#$certs#g" -e 's/@SELFPORT@/4451/g' -e 's/@EXPIREDPORT@/4452/g' \
    -e 's/@WRONGPORT@/4453/g' -e 's/@CHAINPORT@/4454/g' "$here/tls.conf.template" > "$out/nginx.conf"
