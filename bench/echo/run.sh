#!/usr/bin/env bash
# Start-TcpEchoServer (in pshost, the module as users load it) vs the seed's asyncio echo server (python3 stdlib),
# under the same load: CLIENTS connections x MESSAGES round trips each, from one .NET load generator.
# Usage: bench/echo/run.sh [clients] [messages]     (loopback only)
set -euo pipefail
cd "$(dirname "$0")/../.."
CLIENTS=${1:-100}
MESSAGES=${2:-1000}
PREFIX='服务器回应: '
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; echo "nothing listens on $1" >&2; return 1; }

dotnet build -c Release bench/echo/LoadGen -o out/bench/loadgen 2>&1 | grep -E " error |rror\(s\)" || true
[ -f out/PSNetTools/PSNetTools.psd1 ] || { echo "build the module first: dotnet build -c Release" >&2; exit 1; }
LOADGEN="dotnet out/bench/loadgen/LoadGen.dll"

PS_PORT=$(free_port)
dotnet tools/PSHost/bin/Release/net10.0/pshost.dll -Command "Import-Module ./out/PSNetTools/PSNetTools.psd1; Start-TcpEchoServer -Port $PS_PORT -ResponsePrefix '$PREFIX' -Wait" >/dev/null &
PS_PID=$!
PY_PORT=$(free_port)
python3 bench/echo/asyncio_echo_server.py "$PY_PORT" "$PREFIX" &
PY_PID=$!
trap 'kill $PS_PID $PY_PID 2>/dev/null || true' EXIT
wait_port "$PS_PORT"; wait_port "$PY_PORT"

# A short warm-up so the JIT has compiled the server's hot path before the timed run.
$LOADGEN "$PS_PORT" 10 200 "$PREFIX" >/dev/null

# CPU seconds (user+system) a process has used, from /proc: shows where the time goes on a shared machine.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
echo "load: $CLIENTS clients x $MESSAGES round trips, prefix '$PREFIX'"
c0=$(cpu $PS_PID)
ours=$($LOADGEN "$PS_PORT" "$CLIENTS" "$MESSAGES" "$PREFIX")
c1=$(cpu $PS_PID)
echo "Start-TcpEchoServer : $ours; server CPU $(python3 -c "print(round($c1-$c0,2))") s"
p0=$(cpu $PY_PID)
theirs=$($LOADGEN "$PY_PORT" "$CLIENTS" "$MESSAGES" "$PREFIX")
p1=$(cpu $PY_PID)
echo "python asyncio      : $theirs; server CPU $(python3 -c "print(round($p1-$p0,2))") s"
echo "pipelined: each client writes its $MESSAGES messages without waiting for echoes"
pc0=$(cpu $PS_PID); ours_p=$($LOADGEN "$PS_PORT" "$CLIENTS" "$MESSAGES" "$PREFIX" pipelined); pc1=$(cpu $PS_PID)
echo "Start-TcpEchoServer : $ours_p; server CPU $(python3 -c "print(round($pc1-$pc0,2))") s"
pp0=$(cpu $PY_PID); theirs_p=$($LOADGEN "$PY_PORT" "$CLIENTS" "$MESSAGES" "$PREFIX" pipelined); pp1=$(cpu $PY_PID)
echo "python asyncio      : $theirs_p; server CPU $(python3 -c "print(round($pp1-$pp0,2))") s"
rate() { sed -E 's/.*= ([0-9]+) messages\/s.*/\1/' <<<"$1"; }
python3 - "$(rate "$ours")" "$(rate "$theirs")" "$c0" "$c1" "$p0" "$p1" "$((CLIENTS * MESSAGES))" <<'PY'
import sys
o, p, c0, c1, p0, p1, n = map(float, sys.argv[1:])
print(f"throughput ratio: {o / p:.1f}x (target >= 10x: {'met' if o / p >= 10 else 'NOT met'})")
oc, pc = n / max(c1 - c0, 0.01), n / max(p1 - p0, 0.01)
print(f"messages per server CPU-second: ours {oc:.0f}, python {pc:.0f}, ratio {oc / pc:.1f}x")
PY
python3 -c "o=$(rate "$ours_p"); p=$(rate "$theirs_p"); print(f'pipelined throughput ratio: {o / p:.1f}x')"
