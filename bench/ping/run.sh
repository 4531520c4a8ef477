#!/usr/bin/env bash
# Test-Ping vs fping on 127.0.0.1-127.0.0.254, 3 requests per host, side by side in one run (loopback only).
# fping paces every packet 10 ms apart by default (-i 10): 254 x 3 packets take 7.6 s whatever the network does.
# It is run twice: with its defaults (what a user gets) and with -i 1 (its fastest pacing as root), both with
# -p 1000 (1 s between requests to the same host, like Test-Ping's -IntervalSec 1).
# Our time is measured inside one open pshost session (module imported, one warm-up run first).
# Usage: bench/ping/run.sh [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
command -v fping >/dev/null || { echo "fping is missing: run 'sudo bash tests/peers/install.sh'" >&2; exit 1; }
[ -f out/PSNetTools/PSNetTools.psd1 ] || { echo "build the module first: dotnet build -c Release" >&2; exit 1; }
ms() { python3 -c 'import time; print(int(time.time()*1000))'; }
ours=$(dotnet tools/PSHost/bin/Release/net10.0/pshost.dll -Command "
  Import-Module ./out/PSNetTools/PSNetTools.psd1
  \$null = Test-Ping 127.0.0.1 -Count 1
  foreach (\$i in 1..$rounds) {
    \$t = [Diagnostics.Stopwatch]::StartNew(); \$r = @(Test-Ping 127.0.0.1-127.0.0.254 -Count 3)
    '{0} {1}' -f \$t.ElapsedMilliseconds, @(\$r | Where-Object Received -eq 3).Count
  }")
echo "round | Test-Ping | fping (defaults) | ratio | fping -i 1 | ratio"
i=0
while read -r our_ms complete; do
  i=$((i + 1))
  t0=$(ms); fping -c 3 -q -p 1000 -g 127.0.0.1 127.0.0.254 2>/dev/null || true; t1=$(ms)
  t2=$(ms); fping -c 3 -q -p 1000 -i 1 -g 127.0.0.1 127.0.0.254 2>/dev/null || true; t3=$(ms)
  python3 -c "print(f'$i | {$our_ms} ms ({$complete}/254 hosts 3/3) | {$t1-$t0} ms | {$our_ms/($t1-$t0):.2f}x | {$t3-$t2} ms | {$our_ms/($t3-$t2):.2f}x')"
done <<<"$ours"
