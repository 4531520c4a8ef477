#!/usr/bin/env bash
# Find-OpenPort vs nmap connect scans, side by side in one run, loopback only:
#   1) 127.0.0.1, ports 1-65535, with 20 listeners open: nmap -sT -p- -n -Pn 127.0.0.1
#   2) 127.0.0.1-127.0.0.254 x ports 1-1024:             nmap -sT -p1-1024 -n -Pn 127.0.0.1-254
# Our time is measured inside one open pshost session (the module already imported, one warm-up scan first);
# nmap's is its wall time. Peak memory: VmHWM of each process. Usage: bench/scan/run.sh [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
command -v nmap >/dev/null || { echo "nmap is missing: run 'sudo bash tests/peers/install.sh'" >&2; exit 1; }
[ -f out/PSNetTools/PSNetTools.psd1 ] || { echo "build the module first: dotnet build -c Release" >&2; exit 1; }

exec 3< <(python3 bench/scan/listeners.py 20)
read -r ports <&3
listener_pid=$(pgrep -f "bench/scan/listeners.py" | tail -1)
trap 'kill $listener_pid 2>/dev/null || true' EXIT
echo "20 listeners on 127.0.0.1: $ports"

ms() { python3 -c 'import sys,time; print(int(time.time()*1000))'; }
nmap_run() { # args; prints wall ms and peak KB
  local t0 t1; t0=$(ms)
  /usr/bin/time -f "%M" -o /tmp/nmap-mem.$$ nmap "$@" >/tmp/nmap-out.$$ 2>&1
  t1=$(ms); echo "$((t1 - t0)) $(cat /tmp/nmap-mem.$$) $(grep -c '/tcp *open' /tmp/nmap-out.$$)"
}

ours=$(dotnet tools/PSHost/bin/Release/net10.0/pshost.dll -Command "
  Import-Module ./out/PSNetTools/PSNetTools.psd1
  \$null = Find-OpenPort 127.0.0.1 -Port 1-65535
  foreach (\$i in 1..$rounds) {
    \$t = [Diagnostics.Stopwatch]::StartNew(); \$a = @(Find-OpenPort 127.0.0.1 -Port 1-65535); \$full = \$t.ElapsedMilliseconds
    \$t.Restart(); \$b = @(Find-OpenPort 127.0.0.1-127.0.0.254 -Port 1-1024 -Force); \$wide = \$t.ElapsedMilliseconds
    '{0} {1} {2} {3}' -f \$full, \$a.Count, \$wide, \$b.Count
  }
  'hwm ' + (([IO.File]::ReadAllLines('/proc/self/status') | Where-Object { \$_ -like 'VmHWM*' }) -replace '\D', '')
")
echo "round | Find-OpenPort 1-65535 | nmap -p- | ratio | Find-OpenPort 254x1024 | nmap 254x1024 | ratio"
i=0
while read -r full nfull wide nwide; do
  [[ $full == hwm ]] && { hwm=$nfull; continue; }
  i=$((i + 1))
  read -r nfull_ms nfull_kb nfull_open < <(nmap_run -sT -p- -n -Pn 127.0.0.1)
  read -r nwide_ms nwide_kb nwide_open < <(nmap_run -sT -p1-1024 -n -Pn 127.0.0.1-254)
  python3 -c "print(f'$i | {$full} ms ({$nfull} open) | {$nfull_ms} ms ({$nfull_open} open) | {$full/$nfull_ms:.2f}x | {$wide} ms ({$nwide} open) | {$nwide_ms} ms ({$nwide_open} open) | {$wide/$nwide_ms:.2f}x')"
done <<<"$ours"
echo "peak memory: pshost session $((hwm / 1024)) MB (whole PowerShell process), nmap $((nfull_kb / 1024)) MB"
rm -f /tmp/nmap-mem.$$ /tmp/nmap-out.$$
