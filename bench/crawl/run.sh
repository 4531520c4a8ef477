#!/usr/bin/env bash
# Invoke-Crawl vs wget -r -l inf -np on the python3-doc site served by nginx (tests/peers/peers.sh start web),
# robots.txt off in both so the same pages are fetched; checks that the HTML page sets match.
# Our time is measured inside one pshost session after a warm-up crawl. Usage: bench/crawl/run.sh [rounds=2]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-2}
command -v wget >/dev/null || { echo "wget is missing: run 'sudo bash tests/peers/install.sh'" >&2; exit 1; }
[ -f out/PSNetTools/PSNetTools.psd1 ] || { echo "build the module first: dotnet build -c Release" >&2; exit 1; }
bash tests/peers/peers.sh start web >/dev/null
dir=$(mktemp -d); trap 'bash tests/peers/peers.sh stop web >/dev/null; rm -rf "$dir"' EXIT
ms() { python3 -c 'import time; print(int(time.time()*1000))'; }
ours=$(dotnet tools/PSHost/bin/Release/net10.0/pshost.dll -Command "
  Import-Module ./out/PSNetTools/PSNetTools.psd1
  \$null = Invoke-Crawl http://127.0.0.1:4080/ -Depth 50 -MaxPages 5000 -RespectRobotsTxt:\$false
  foreach (\$i in 1..$rounds) {
    \$t = [Diagnostics.Stopwatch]::StartNew(); \$r = @(Invoke-Crawl http://127.0.0.1:4080/ -Depth 50 -MaxPages 5000 -ThrottleLimit 8 -RespectRobotsTxt:\$false)
    '{0} {1}' -f \$t.ElapsedMilliseconds, @(\$r | Where-Object { \$_.StatusCode -eq 200 -and \$_.ContentType -like 'text/html*' }).Count
  }
  @(\$r | Where-Object { \$_.StatusCode -eq 200 -and \$_.ContentType -like 'text/html*' } | ForEach-Object { ([uri]\$_.Uri).AbsolutePath -replace '/\$', '/index.html' }) -join ' '")
pages=$(tail -1 <<<"$ours")
echo "round | Invoke-Crawl (ThrottleLimit 8) | wget -r -l inf -np | ratio"
i=0
while read -r o n; do
  [[ $o =~ ^[0-9]+$ ]] || continue
  i=$((i + 1)); rm -rf "$dir/w"
  t0=$(ms); wget -r -l inf -np -q -e robots=off -P "$dir/w" http://127.0.0.1:4080/ || true; t1=$(ms)
  w=$(find "$dir/w" -name '*.html' | wc -l)
  python3 -c "print(f'$i | {$o} ms ({$n} HTML pages) | {$t1-$t0} ms ({$w} HTML pages) | {$o/($t1-$t0):.2f}x')"
done < <(head -n "$rounds" <<<"$ours")
theirs=$(cd "$dir/w/127.0.0.1:4080" && find . -name '*.html' | sed 's#^\.##' | sort)
diff <(tr ' ' '\n' <<<"$pages" | sort -u) <(echo "$theirs") >/dev/null && echo "page sets: identical" || echo "page sets: DIFFER"
