#!/usr/bin/env bash
# 1,000 Invoke-XmlRpc calls in one pipeline vs a Python xmlrpc.client loop, against the same Python xmlrpc.server
# (tests/peers/rpc/xmlrpc_peer.py). Our time is measured inside a pshost session after a warm-up. Usage: bench/xmlrpc/run.sh [calls=1000]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-1000}
[ -f out/PSNetTools/PSNetTools.psd1 ] || { echo "build the module first: dotnet build -c Release" >&2; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 tests/peers/rpc/xmlrpc_peer.py "$port" >/dev/null 2>&1 &
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
u="http://127.0.0.1:$port/RPC2"
ours=$(dotnet tools/PSHost/bin/Release/net10.0/pshost.dll -Command "
  Import-Module ./out/PSNetTools/PSNetTools.psd1
  1..20 | ForEach-Object { [pscustomobject]@{ Uri = '$u'; Method = 'add'; Argument = \$_, 1 } } | Invoke-XmlRpc | ForEach-Object { }
  \$t = [Diagnostics.Stopwatch]::StartNew()
  \$sum = 0; 1..$n | ForEach-Object { [pscustomobject]@{ Uri = '$u'; Method = 'add'; Argument = \$_, 1 } } | Invoke-XmlRpc -RetryCount 2 | ForEach-Object { \$sum += \$_ }
  '{0} {1}' -f \$t.ElapsedMilliseconds, \$sum")
py=$(python3 - "$u" "$n" <<'PY'
import sys, time, xmlrpc.client
p = xmlrpc.client.ServerProxy(sys.argv[1]); n = int(sys.argv[2])
t = time.time(); s = 0
for i in range(1, n + 1): s += p.add(i, 1)
print(int((time.time() - t) * 1000), s)
PY
)
read -r o os <<<"$ours"; read -r p ps <<<"$py"
python3 -c "print(f'{$n} calls: Invoke-XmlRpc pipeline {$o} ms (sum {$os}) | xmlrpc.client loop {$p} ms (sum {$ps}) | {$p/$o:.1f}x (target >= 2x)')"
