#!/usr/bin/env bash
# 1,000 Invoke-XmlRpc calls in one pipeline vs a Python xmlrpc.client loop, against the same Python xmlrpc.server
# (tests/peers/rpc/xmlrpc_peer.py). Our time is measured inside a pshost session after a warm-up, one call at a time
# and with -ThrottleLimit 4 (the records are built before the clock starts, for both). Usage: bench/xmlrpc/run.sh [calls=1000]
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
  \$records = 1..$n | ForEach-Object { [pscustomobject]@{ Uri = '$u'; Method = 'add'; Argument = \$_, 1 } }
  \$t = [Diagnostics.Stopwatch]::StartNew()
  \$sum = 0; \$records | Invoke-XmlRpc -RetryCount 2 | ForEach-Object { \$sum += \$_ }
  \$one = \$t.ElapsedMilliseconds; \$t.Restart()
  \$sum4 = 0; \$records | Invoke-XmlRpc -RetryCount 2 -ThrottleLimit 4 | ForEach-Object { \$sum4 += \$_ }
  '{0} {1} {2} {3}' -f \$one, \$sum, \$t.ElapsedMilliseconds, \$sum4")
py=$(python3 - "$u" "$n" <<'PY'
import sys, time, xmlrpc.client
p = xmlrpc.client.ServerProxy(sys.argv[1]); n = int(sys.argv[2])
t = time.time(); s = 0
for i in range(1, n + 1): s += p.add(i, 1)
print(int((time.time() - t) * 1000), s)
PY
)
read -r o os o4 os4 <<<"$ours"; read -r p ps <<<"$py"
python3 -c "print(f'{$n} calls: Invoke-XmlRpc pipeline {$o} ms (sum {$os}), with -ThrottleLimit 4 {$o4} ms (sum {$os4}) | xmlrpc.client loop {$p} ms (sum {$ps}) | {$p/$o:.2f}x, {$p/$o4:.2f}x (target >= 2x)')"
