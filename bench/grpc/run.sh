#!/usr/bin/env bash
# 1,000 unary gRPC calls on one channel: Invoke-GrpcMethod fed a pipeline of 1,000 bodies vs a grpc-js client loop
# (tests/peers/rpc/grpc/grpc-bench.js), side by side against the same server: samples/CalculatorServer (ASP.NET
# Core) and the Node.js peer. Also the first-call cost: a fresh runspace's first Invoke-GrpcMethod (channel,
# reflection, descriptors) against its second call.
# Usage: bench/grpc/run.sh [rounds=3] [count=1000]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}; count=${2:-1000}
[ -f out/PSNetTools/PSNetTools.psd1 ] || { echo "build the module first: dotnet build -c Release" >&2; exit 1; }
[ -f samples/CalculatorServer/bin/Release/net10.0/CalculatorServer.dll ] || { echo "build the sample first: dotnet build -c Release" >&2; exit 1; }
[ -d tests/peers/rpc/node_modules/@grpc/grpc-js ] || { echo "npm @grpc/grpc-js is missing: run 'sudo bash tests/peers/install.sh'" >&2; exit 1; }
pshost="dotnet tools/PSHost/bin/Release/net10.0/pshost.dll"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_tcp() { for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; echo "nothing on $1" >&2; return 1; }
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
calc_port=$(free_port)
dotnet samples/CalculatorServer/bin/Release/net10.0/CalculatorServer.dll --port "$calc_port" >/dev/null 2>&1 & pids+=($!)
node_port=$(free_port)
(cd tests/peers/rpc && exec node grpc/grpc-server.js "$node_port") >/dev/null 2>&1 & pids+=($!)
wait_tcp "$calc_port"; wait_tcp "$node_port"

# $1 address, $2 method, $3 body scriptblock text, $4 extra parameters
our_client() { $pshost -Command "
  Import-Module ./out/PSNetTools/PSNetTools.psd1
  \$bodies = foreach (\$i in 1..$count) { $3 }
  \$null = \$bodies[0..9] | Invoke-GrpcMethod $1 $2 -Plaintext $4
  foreach (\$r in 1..$rounds) {
    \$t = [Diagnostics.Stopwatch]::StartNew()
    \$n = @(\$bodies | Invoke-GrpcMethod $1 $2 -Plaintext $4).Count
    if (\$n -ne $count) { throw \"only \$n answers\" }
    \$t.ElapsedMilliseconds
  }"; }
node_client() { for _ in $(seq "$rounds"); do (cd tests/peers/rpc && node grpc/grpc-bench.js "$1" "$2" "$count") | python3 -c "import sys; print(round(float(sys.stdin.read().split(' in ')[1].split(' s')[0]) * 1000))"; done; }

report() {
  mapfile -t ours < <(our_client "$2" "$3" "$4" "${6:-}")
  mapfile -t theirs < <(node_client "$2" "$5")
  echo "$1${6:+ (Invoke-GrpcMethod $6)}"
  echo "round | Invoke-GrpcMethod pipeline | grpc-js client loop | ours / theirs (calls/s)"
  for i in $(seq 0 $((rounds - 1))); do
    python3 -c "o, t = ${ours[$i]}, ${theirs[$i]}; print(f'$((i + 1)) | {o} ms ({$count * 1000 / o:.0f}/s) | {t} ms ({$count * 1000 / t:.0f}/s) | {t / o:.2f}x')"
  done
}
report "$count unary calls against samples/CalculatorServer" "127.0.0.1:$calc_port" calculator.Calculator/Add '@{ a = $i; b = 1 }' calculator
report "$count unary calls against samples/CalculatorServer" "127.0.0.1:$calc_port" calculator.Calculator/Add '@{ a = $i; b = 1 }' calculator "-ThrottleLimit 16"
report "$count unary calls against the grpc-js peer" "127.0.0.1:$node_port" demo.v1.Greeter/SayHello '@{ name = "n$i" }' greeter

echo "first-call cost (fresh runspace each time): first Invoke-GrpcMethod vs the second, against samples/CalculatorServer"
for r in $(seq "$rounds"); do
  $pshost -Command "
    Import-Module ./out/PSNetTools/PSNetTools.psd1
    \$t = [Diagnostics.Stopwatch]::StartNew(); \$null = Invoke-GrpcMethod 127.0.0.1:$calc_port calculator.Calculator/Add -Body @{ a = 1; b = 2 } -Plaintext; \$first = \$t.Elapsed.TotalMilliseconds
    \$t.Restart(); \$null = Invoke-GrpcMethod 127.0.0.1:$calc_port calculator.Calculator/Add -Body @{ a = 1; b = 2 } -Plaintext; \$second = \$t.Elapsed.TotalMilliseconds
    \$t.Restart(); \$null = Invoke-GrpcMethod 127.0.0.1:$calc_port calculator.Calculator/Add -Body @{ a = 1; b = 2 } -Plaintext -ProtoFile ./protos/calculator.proto; \$proto = \$t.Elapsed.TotalMilliseconds
    '$r | first call {0:0} ms | second call (new channel, reflection again) {1:0} ms | with -ProtoFile {2:0} ms' -f \$first, \$second, \$proto"
done
