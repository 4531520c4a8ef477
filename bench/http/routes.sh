#!/usr/bin/env bash
# Start-HttpServer JSON route vs a Python stdlib http.server handler returning the same JSON, under wrk -c 50.
# Usage: bench/http/routes.sh [seconds=5]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-5}
command -v wrk >/dev/null || { echo "wrk is missing: run 'sudo bash tests/peers/install.sh'" >&2; exit 1; }
[ -f out/PSNetTools/PSNetTools.psd1 ] || { echo "build the module first: dotnet build -c Release" >&2; exit 1; }
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 150); do (echo > /dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; echo "nothing on $1" >&2; return 1; }
ours=$(free_port); py=$(free_port)
dotnet tools/PSHost/bin/Release/net10.0/pshost.dll -Command "Import-Module ./out/PSNetTools/PSNetTools.psd1; Start-HttpServer -Port $ours -Route @{ 'GET /api/data' = { param(\$Request) @{ status = 'success'; param = \$Request.Query['param'] ?? 'default'; data = 1..5 } } } -Wait" >/dev/null 2>&1 &
python3 - "$py" >/dev/null 2>&1 <<'PY' &
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        q = parse_qs(urlparse(self.path).query)
        body = json.dumps({"status": "success", "param": q.get("param", ["default"])[0], "data": [1, 2, 3, 4, 5]}).encode()
        self.send_response(200); self.send_header("Content-Type", "application/json"); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
PY
wait_port "$ours"; wait_port "$py"
# Both must answer 200 with the same JSON before they are timed, and wrk must see no other answer.
a=$(curl -s -w ' %{http_code}' "http://127.0.0.1:$ours/api/data?param=x"); b=$(curl -s -w ' %{http_code}' "http://127.0.0.1:$py/api/data?param=x")
python3 -c "import json,sys; a,b=sys.argv[1].rsplit(' ',1),sys.argv[2].rsplit(' ',1); assert a[1]==b[1]=='200' and json.loads(a[0])==json.loads(b[0]), (a,b)" "$a" "$b" ||
  { echo "the two servers do not answer the same: '$a' / '$b'" >&2; exit 1; }
rps() {
  local out; out=$(wrk -t 2 -c 50 -d "${secs}s" "$1" 2>/dev/null)
  if grep -q 'Non-2xx' <<<"$out"; then echo "$1: $(grep 'Non-2xx' <<<"$out")" >&2; exit 1; fi
  awk '/Requests\/sec/ { print int($2) }' <<<"$out"
}
rps "http://127.0.0.1:$ours/api/data?param=x" >/dev/null # warm-up: JIT and the runspace pool
o=$(rps "http://127.0.0.1:$ours/api/data?param=x"); p=$(rps "http://127.0.0.1:$py/api/data?param=x")
python3 -c "print(f'Start-HttpServer {$o} req/s | python http.server handler {$p} req/s | {$o/max($p,1):.1f}x (target >= 10x)')"
