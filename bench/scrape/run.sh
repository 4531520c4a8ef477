#!/usr/bin/env bash
# Invoke-Scrape -Selector 'a[href]' -Attribute href over the 530 python3-doc pages (files, no network), in MB/s,
# vs Python's html.parser extracting the same links. Usage: bench/scrape/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
docs=/usr/share/doc/python3.11/html
[ -d "$docs" ] || { echo "$docs is missing: run 'sudo bash tests/peers/install.sh' (python3-doc)" >&2; exit 1; }
[ -f out/PSNetTools/PSNetTools.psd1 ] || { echo "build the module first: dotnet build -c Release" >&2; exit 1; }
mb=$(find "$docs" -name '*.html' -print0 | du -cb --files0-from=- | tail -1 | awk '{ printf "%.1f", $1 / 1048576 }')
ours=$(dotnet tools/PSHost/bin/Release/net10.0/pshost.dll -Command "
  Import-Module ./out/PSNetTools/PSNetTools.psd1
  \$files = [IO.Directory]::GetFiles('$docs', '*.html', [IO.SearchOption]::AllDirectories)
  \$null = Invoke-Scrape -Path \$files[0..30] -Selector 'a[href]' -Attribute href
  \$t = [Diagnostics.Stopwatch]::StartNew(); \$n = @(Invoke-Scrape -Path \$files -Selector 'a[href]' -Attribute href).Count
  '{0} {1}' -f \$t.ElapsedMilliseconds, \$n")
read -r our_ms our_links <<<"$ours"
theirs=$(python3 - "$docs" <<'PY'
import os, sys, time
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self): super().__init__(); self.n = 0
    def handle_starttag(self, tag, attrs):
        if tag == "a" and any(k == "href" for k, _ in attrs): self.n += 1
files = [os.path.join(d, f) for d, _, fs in os.walk(sys.argv[1]) for f in fs if f.endswith(".html")]
t = time.time(); n = 0
for f in files:
    p = P(); p.feed(open(f, encoding="utf-8").read()); n += p.n
print(int((time.time() - t) * 1000), n)
PY
)
read -r py_ms py_links <<<"$theirs"
python3 -c "print(f'{$mb} MB of HTML: Invoke-Scrape {$our_ms} ms ({$mb*1000/$our_ms:.1f} MB/s, {$our_links} links) | html.parser {$py_ms} ms ({$mb*1000/$py_ms:.1f} MB/s, {$py_links} links) | {$py_ms/$our_ms:.1f}x faster')"
