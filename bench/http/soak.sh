#!/usr/bin/env bash
# Soak (issue 10): each HTTP server of the module (file, routes, XML-RPC, WebSocket echo) under 2,000 slowloris clients +
# 2,000 idle connections + normal traffic (wrk -c 20 with latency; 20 echo clients for WebSocket) for SECS seconds; prints p50/p99 of the normal requests, the
# server process's peak RSS, and the sockets it still holds after Stop-NetServer. Loopback only.
# Usage: bench/http/soak.sh [secs=120] [files|routes|xmlrpc|websocket ...] (all four by default). Not run in CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-120}
shift || true
only=" ${*:-files routes xmlrpc websocket} "
command -v wrk >/dev/null || { echo "wrk is missing: run 'sudo bash tests/peers/install.sh'" >&2; exit 1; }
[ -f out/PSNetTools/PSNetTools.psd1 ] || { echo "build the module first: dotnet build -c Release" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)"
dir=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT
mkdir -p "$dir/www"; head -c 1024 /dev/urandom > "$dir/www/1k.bin"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 300); do (echo > /dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; echo "nothing on $1" >&2; return 1; }
sockets() { { find /proc/"$1"/fd -lname 'socket:*' 2>/dev/null || true; } | wc -l; }
kit=tests/peers/hostile/http_client.py
printf '%-12s | %-9s | %-9s | %-9s | %-14s | %-12s | %-22s | %s\n' server requests p50 p99 'peak RSS' 'most sockets' 'slowloris dropped' 'sockets after stop'
soak() {
  local label=$1 start=$2 path=$3 wrkargs=$4
  [[ $only == *" $label "* ]] || return 0
  local port; port=$(free_port)
  # The server process stops its server when the stop file appears, and exits when the exit file does.
  dotnet tools/PSHost/bin/Release/net10.0/pshost.dll -Command "Import-Module ./out/PSNetTools/PSNetTools.psd1; \$s = $start -Port $port; while (-not [IO.File]::Exists('$dir/stop-$label')) { [Threading.Thread]::Sleep(100) }; \$s | Stop-NetServer; 'stopped'; while (-not [IO.File]::Exists('$dir/exit-$label')) { [Threading.Thread]::Sleep(100) }" \
    > "$dir/out-$label" 2>&1 &
  local pid=$!
  wait_port "$port"
  python3 "$kit" idle 127.0.0.1 "$port" 2000 "$((secs + 5))" > "$dir/idle-$label" &
  python3 "$kit" slowmany 127.0.0.1 "$port" 2000 1 "$secs" > "$dir/slow-$label" &
  local slow=$!
  sleep 3
  local peak=0 held=0
  # Peak RSS, and the most sockets the server held at once, sampled every second.
  ( most=0; while kill -0 "$pid" 2>/dev/null; do grep VmHWM /proc/$pid/status | awk '{print $2}' > "$dir/hwm-$label"
      n=$(sockets "$pid"); [ "$n" -gt "$most" ] && most=$n && echo "$most" > "$dir/sock-$label"; sleep 1; done ) &
  if [ "$wrkargs" = websocket ]; then
    /usr/bin/python3 bench/http/ws_echo_load.py "ws://127.0.0.1:$port$path" 20 "$secs" > "$dir/wrk-$label" 2>&1 || { echo "load failed:" >&2; cat "$dir/wrk-$label" >&2; }
  else
    wrk -t 2 -c 20 -d "${secs}s" --latency $wrkargs "http://127.0.0.1:$port$path" > "$dir/wrk-$label" 2>&1 || { echo "wrk failed:" >&2; cat "$dir/wrk-$label" >&2; }
  fi
  held=$(cat "$dir/sock-$label"); peak=$(cat "$dir/hwm-$label")
  wait "$slow" || true
  touch "$dir/stop-$label"
  for _ in $(seq 100); do grep -q stopped "$dir/out-$label" && break; sleep 0.1; done
  sleep 1
  local after; after=$(sockets "$pid")
  touch "$dir/exit-$label"
  wait "$pid" 2>/dev/null || true
  local reqs p50 p99 dropped
  reqs=$(awk '/requests in/ {print $1}' "$dir/wrk-$label")
  # A normal request answered 503 (over the cap) or 408 is not "answering": say how many there were.
  local bad; bad=$(awk '/Non-2xx/ {print $NF}' "$dir/wrk-$label"); [ -n "$bad" ] && reqs="$reqs ($bad not 2xx)"
  p50=$(awk '$1=="50%" {print $2}' "$dir/wrk-$label"); p99=$(awk '$1=="99%" {print $2}' "$dir/wrk-$label")
  dropped=$(python3 -c "import json;print(json.load(open('$dir/slow-$label'))['dropped_by_server'])" 2>/dev/null || echo '?')
  printf '%-12s | %-9s | %-9s | %-9s | %-11s MB | %-12s | %-22s | %s\n' "$label" "$reqs" "$p50" "$p99" "$((peak / 1024))" "$held" "$dropped" "$after"
}
soak files "Start-HttpFileServer -Path '$dir/www'" /1k.bin ""
soak routes "Start-HttpServer -Route @{ 'GET /api/data' = { @{ status = 'success'; data = 1..5 } } }" /api/data ""
cat > "$dir/call.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/xml"
wrk.body = "<?xml version='1.0'?><methodCall><methodName>add</methodName><params><param><value><int>2</int></value></param><param><value><int>3</int></value></param></params></methodCall>"
LUA
soak xmlrpc "Start-XmlRpcServer -Method @{ add = { param(\$a, \$b) \$a + \$b } }" /RPC2 "-s $dir/call.lua"
soak websocket "Start-WebSocketEchoServer" / websocket
