#!/usr/bin/env bash
# 10,000 WebSocket echo round trips over ONE connection: Send-WebSocketMessage (a pipeline of 10,000 messages) vs a
# python3-websockets client loop (tests/peers/rpc/wsecho.py bench), side by side against the same npm ws echo server,
# then both against Start-WebSocketEchoServer. Usage: bench/websocket/run.sh [rounds=3] [count=10000]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}; count=${2:-10000}
[ -f out/PSNetTools/PSNetTools.psd1 ] || { echo "build the module first: dotnet build -c Release" >&2; exit 1; }
[ -d tests/peers/rpc/node_modules/ws ] || { echo "npm ws is missing: run 'sudo bash tests/peers/install.sh'" >&2; exit 1; }
pshost="dotnet tools/PSHost/bin/Release/net10.0/pshost.dll"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_tcp() { for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; echo "nothing on $1" >&2; return 1; }
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
node_port=$(free_port)
(cd tests/peers/rpc && exec node wsecho.js "$node_port") >/dev/null 2>&1 & pids+=($!)
ps_port=$(free_port)
$pshost -Command "Import-Module ./out/PSNetTools/PSNetTools.psd1; Start-WebSocketEchoServer -Port $ps_port -Wait" >/dev/null 2>&1 & pids+=($!)
wait_tcp "$node_port"; wait_tcp "$ps_port"

our_client() { $pshost -Command "
  Import-Module ./out/PSNetTools/PSNetTools.psd1
  \$messages = foreach (\$i in 1..$count) { \"message \$i\" }
  \$null = \$messages[0..99] | Send-WebSocketMessage '$1'
  foreach (\$r in 1..$rounds) {
    \$t = [Diagnostics.Stopwatch]::StartNew()
    \$n = @(\$messages | Send-WebSocketMessage '$1').Count
    if (\$n -ne $count) { throw \"only \$n answers\" }
    \$t.ElapsedMilliseconds
  }"; }
python_client() { for _ in $(seq "$rounds"); do /usr/bin/python3 tests/peers/rpc/wsecho.py bench "$1" "$count" | python3 -c "import sys; print(round(float(sys.stdin.read().split(' in ')[1].split(' s')[0]) * 1000))"; done; }

report() {
  mapfile -t ours < <(our_client "$2")
  mapfile -t theirs < <(python_client "$2")
  echo "$1"
  echo "round | Send-WebSocketMessage pipeline | python3-websockets loop | speed-up"
  for i in $(seq 0 $((rounds - 1))); do
    python3 -c "o, t = ${ours[$i]}, ${theirs[$i]}; print(f'$((i + 1)) | {o} ms ({$count * 1000 / o:.0f}/s) | {t} ms ({$count * 1000 / t:.0f}/s) | {t / o:.2f}x')"
  done
}
report "$count round trips against npm ws" "ws://127.0.0.1:$node_port/"
report "$count round trips against Start-WebSocketEchoServer" "ws://127.0.0.1:$ps_port/"
