#!/usr/bin/env bash
# Test-HttpEndpoint on 1,000 URLs at -ThrottleLimit 32 vs `xargs -P 32 curl -w` on the same list (a fresh connection
# per request in both, with per-phase timings), against nginx serving python3-doc (tests/peers/peers.sh start web).
# Usage: bench/http/endpoint.sh [rounds=2]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-2}
[ -f out/PSNetTools/PSNetTools.psd1 ] || { echo "build the module first: dotnet build -c Release" >&2; exit 1; }
bash tests/peers/peers.sh start web >/dev/null
trap 'bash tests/peers/peers.sh stop web >/dev/null' EXIT
list=$(mktemp)
( cd /usr/share/doc/python3.11/html && find . -name '*.html' | sed 's#^\./#http://127.0.0.1:4080/#' ) > "$list.all"
for i in 1 2; do cat "$list.all"; done | head -1000 > "$list"
echo "$(wc -l < "$list") URLs"
ms() { python3 -c 'import time; print(int(time.time()*1000))'; }
ours=$(dotnet tools/PSHost/bin/Release/net10.0/pshost.dll -Command "
  Import-Module ./out/PSNetTools/PSNetTools.psd1
  \$urls = [IO.File]::ReadAllLines('$list')
  \$null = Test-HttpEndpoint \$urls[0..50] -ThrottleLimit 32
  foreach (\$i in 1..$rounds) { \$t = [Diagnostics.Stopwatch]::StartNew(); \$r = @(Test-HttpEndpoint \$urls -ThrottleLimit 32); '{0} {1}' -f \$t.ElapsedMilliseconds, @(\$r | Where-Object Success).Count }")
echo "round | Test-HttpEndpoint | xargs -P 32 curl -w | ratio"
i=0
while read -r o ok; do
  i=$((i + 1))
  t0=$(ms)
  curl_ok=$(xargs -P 32 -n 1 curl -s -o /dev/null -w '%{http_code} %{time_namelookup} %{time_connect} %{time_starttransfer} %{time_total}\n' < "$list" | grep -c '^200 ')
  t1=$(ms)
  python3 -c "print(f'$i | {$o} ms ({$ok} ok) | {$t1-$t0} ms ({$curl_ok} ok) | {$o/($t1-$t0):.2f}x')"
done <<<"$ours"
rm -f "$list" "$list.all"
