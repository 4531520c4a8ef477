#!/usr/bin/env bash
# Start-HttpFileServer vs python3 -m http.server (the seed's server) and nginx (the ceiling) under wrk -c 50,
# for a 1 KB and a 1 MB file, side by side in one run, loopback only. Usage: bench/http/fileserver.sh [seconds=5]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-5}
command -v wrk >/dev/null || { echo "wrk is missing: run 'sudo bash tests/peers/install.sh'" >&2; exit 1; }
[ -f out/PSNetTools/PSNetTools.psd1 ] || { echo "build the module first: dotnet build -c Release" >&2; exit 1; }
dir=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT
mkdir -p "$dir/www" "$dir/nginx/tmp"
head -c 1024 /dev/urandom > "$dir/www/1k.bin"; head -c 1048576 /dev/urandom > "$dir/www/1m.bin"
# mktemp -d is 0700: nginx's workers (user nobody) could not read it, and answered every request 403 in 153 bytes,
# which this benchmark took for 72,000 files a second until 2026-12-02.
chmod 755 "$dir" "$dir/www"; chmod 644 "$dir/www/"*
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; echo "nothing on $1" >&2; return 1; }
ours=$(free_port); py=$(free_port); ng=$(free_port)
dotnet tools/PSHost/bin/Release/net10.0/pshost.dll -Command "Import-Module ./out/PSNetTools/PSNetTools.psd1; Start-HttpFileServer -Path '$dir/www' -Port $ours -Wait" >/dev/null 2>&1 &
python3 -m http.server "$py" --bind 127.0.0.1 --directory "$dir/www" >/dev/null 2>&1 &
cat > "$dir/nginx/nginx.conf" <<CONF
worker_processes 2; daemon off; pid $dir/nginx/nginx.pid; error_log stderr warn;
events { worker_connections 4096; }
http { access_log off; client_body_temp_path $dir/nginx/tmp; proxy_temp_path $dir/nginx/tmp; fastcgi_temp_path $dir/nginx/tmp; uwsgi_temp_path $dir/nginx/tmp; scgi_temp_path $dir/nginx/tmp;
  server { listen 127.0.0.1:$ng; root $dir/www; } }
CONF
nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" >/dev/null 2>&1 &
wait_port "$ours"; wait_port "$py"; wait_port "$ng"
# Every server must answer the file itself (200 and all its bytes) before it is timed, and wrk must see no other answer.
check() {
  local got; got=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "$1")
  [ "$got" = "200 $2" ] || { echo "$1 answered '$got', not '200 $2'" >&2; exit 1; }
}
rps() {
  local out; out=$(wrk -t 2 -c 50 -d "${secs}s" "$1" 2>/dev/null)
  if grep -q 'Non-2xx' <<<"$out"; then echo "$1: $(grep 'Non-2xx' <<<"$out")" >&2; exit 1; fi
  awk '/Requests\/sec/ { print int($2) }' <<<"$out"
}
rps "http://127.0.0.1:$ours/1k.bin" >/dev/null # warm-up (JIT)
printf '%-6s | %-22s | %-18s | %-12s | %-12s | %s\n' file Start-HttpFileServer 'python http.server' nginx 'vs python' 'vs nginx'
for f in 1k.bin 1m.bin; do
  size=$(stat -c %s "$dir/www/$f")
  for port in "$ours" "$py" "$ng"; do check "http://127.0.0.1:$port/$f" "$size"; done
  o=$(rps "http://127.0.0.1:$ours/$f"); p=$(rps "http://127.0.0.1:$py/$f"); n=$(rps "http://127.0.0.1:$ng/$f")
  python3 -c "print(f'{\"$f\":6} | {$o:>14} req/s | {$p:>10} req/s | {$n:>6} req/s | {$o/max($p,1):>10.1f}x | {$o/max($n,1):.2f}x')"
done
