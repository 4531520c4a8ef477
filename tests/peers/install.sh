#!/usr/bin/env bash
# Installs the real third-party peers the tests and benchmarks talk to (all on loopback). Runs as root.
# Idempotent: a second run only checks. See ../shared/PEERS.md for what each is for.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(socat openssl nginx nmap fping iputils-ping python3 procps python3-doc wrk curl wget python3-aiosmtpd dovecot-imapd dovecot-pop3d dovecot-lmtpd python3-websockets)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  echo 'man-db man-db/auto-update boolean false' | debconf-set-selections 2>/dev/null || true
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
for c in socat openssl nginx nmap fping; do command -v "$c" >/dev/null || { echo "install.sh: $c still missing" >&2; exit 1; }; done
# npm peers (locked versions): the second SMTP implementation for the mail tests.
here="$(cd "$(dirname "$0")" && pwd)"
if command -v npm >/dev/null; then
  [[ -d "$here/mail/node/node_modules/smtp-server" ]] || npm ci --prefix "$here/mail/node" --no-audit --no-fund --loglevel=error
  # npm ws (WebSocket echo, tests/peers/rpc/wsecho.js) and grpc-js with reflection and health (tests/peers/rpc/grpc).
  [[ -d "$here/rpc/node_modules/ws" && -d "$here/rpc/node_modules/@grpc/grpc-js" ]] || npm ci --prefix "$here/rpc" --no-audit --no-fund --loglevel=error
else
  echo "install.sh: npm is missing (Node.js 18+ is needed for tests/peers/mail/node and tests/peers/rpc)" >&2; exit 1
fi
echo "peers installed: ${packages[*]} + npm smtp-server, ws, @grpc/grpc-js, @grpc/proto-loader, @grpc/reflection, grpc-health-check"
