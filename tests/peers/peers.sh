#!/usr/bin/env bash
# Starts and stops the real third-party peers on 127.0.0.1 for manual tries and benchmarks.
# The xunit fixtures start their own copies on free ports (tests/Shared/PeerProcess.cs); this script uses fixed
# ports so a person can point cmdlets at them:
#   tcp-echo  socat TCP echo        127.0.0.1:4700
#   udp-echo  socat UDP echo        127.0.0.1:4701
#   web       nginx: python3-doc and test endpoints on http://127.0.0.1:4080, https://localhost:4443
#   tls       nginx with the test certificates of certs.sh: 4451 self-signed, 4452 expired, 4453 wrong host, 4454 CA chain
# Usage: tests/peers/peers.sh start|stop|status [peer...]   (default: every peer)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
state="${PSNT_PEERS_DIR:-/tmp/psnettools-peers}"
mkdir -p "$state"

need() { command -v "$1" >/dev/null || { echo "peers.sh: '$1' is missing: run 'sudo bash tests/peers/install.sh'" >&2; exit 1; }; }

wait_tcp() {
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done
  echo "peers.sh: nothing listens on 127.0.0.1:$1 after 5 s (see $state/*.log)" >&2; return 1
}

launch() { # name, then the command line
  local name=$1; shift
  if running "$name"; then echo "$name already running (pid $(cat "$state/$name.pid"))"; return; fi
  "$@" >"$state/$name.log" 2>&1 &
  echo $! >"$state/$name.pid"
}

running() { [[ -f "$state/$1.pid" ]] && kill -0 "$(cat "$state/$1.pid")" 2>/dev/null; }

start_peer() {
  case $1 in
    tcp-echo) need socat; launch tcp-echo socat TCP-LISTEN:4700,bind=127.0.0.1,reuseaddr,fork EXEC:cat; wait_tcp 4700 ;;
    udp-echo) need socat; launch udp-echo socat UDP-RECVFROM:4701,bind=127.0.0.1,fork EXEC:cat ;;
    tls)
      need nginx; need openssl
      [[ -x "$here/certs.sh" || -f "$here/certs.sh" ]] || { echo "peers.sh: tls needs tests/peers/certs.sh" >&2; return 1; }
      bash "$here/certs.sh" "$state/certs" >/dev/null
      bash "$here/nginx/render.sh" "$state/certs" "$state/nginx"
      launch tls nginx -p "$state/nginx" -c "$state/nginx/nginx.conf"
      wait_tcp 4451 ;;
    web)
      need nginx
      bash "$here/certs.sh" "$state/certs" >/dev/null
      bash "$here/nginx/render-http.sh" "$state/certs" "$state/web"
      launch web nginx -p "$state/web" -c "$state/web/nginx.conf"
      wait_tcp 4080 ;;
    *) echo "peers.sh: unknown peer '$1' (tcp-echo, udp-echo, tls, web)" >&2; return 1 ;;
  esac
  echo "$1 started"
}

stop_peer() {
  if running "$1"; then kill "$(cat "$state/$1.pid")" 2>/dev/null || true; echo "$1 stopped"; fi
  rm -f "$state/$1.pid"
}

action=${1:-status}; shift || true
peers=("$@"); ((${#peers[@]})) || peers=(tcp-echo udp-echo tls web)
for p in "${peers[@]}"; do
  case $action in
    start) start_peer "$p" ;;
    stop) stop_peer "$p" ;;
    status) if running "$p"; then echo "$p running (pid $(cat "$state/$p.pid"))"; else echo "$p stopped"; fi ;;
    *) echo "usage: $0 start|stop|status [peer...]" >&2; exit 2 ;;
  esac
done
