#!/usr/bin/env bash
# Installs the real third-party peers the tests and benchmarks talk to (all on loopback). Runs as root.
# Idempotent: a second run only checks. See ../shared/PEERS.md for what each is for.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(socat openssl nginx nmap fping iputils-ping python3 procps python3-doc wrk curl wget python3-aiosmtpd dovecot-imapd dovecot-pop3d dovecot-lmtpd python3-websockets python3-flask openssh-server)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  echo 'man-db man-db/auto-update boolean false' | debconf-set-selections 2>/dev/null || true
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
for c in socat openssl nginx nmap fping /usr/sbin/sshd; do command -v "$c" >/dev/null || { echo "install.sh: $c still missing" >&2; exit 1; }; done
# npm peers (locked versions): the second SMTP implementation for the mail tests.
here="$(cd "$(dirname "$0")" && pwd)"
if command -v npm >/dev/null; then
  [[ -d "$here/mail/node/node_modules/smtp-server" ]] || npm ci --prefix "$here/mail/node" --no-audit --no-fund --loglevel=error
  # npm ws (WebSocket echo, tests/peers/rpc/wsecho.js) and grpc-js with reflection and health (tests/peers/rpc/grpc).
  [[ -d "$here/rpc/node_modules/ws" && -d "$here/rpc/node_modules/@grpc/grpc-js" ]] || npm ci --prefix "$here/rpc" --no-audit --no-fund --loglevel=error
else
  echo "install.sh: npm is missing (Node.js 18+ is needed for tests/peers/mail/node and tests/peers/rpc)" >&2; exit 1
fi
# Real pwsh and Pester for tests/Pester (run by tests/PSNetTools.Tests/PesterSuiteTests.cs), the way users run the
# module. pwsh is the NuGet dotnet tool (~/.dotnet/tools/pwsh); `dotnet tool install` of the installed version is a no-op.
dotnet tool list --global | grep -qE '^powershell +7\.6\.9 ' || dotnet tool install --global PowerShell --version 7.6.9 || dotnet tool update --global PowerShell --version 7.6.9
# Pester from NuGet: a PackageDownload restore puts the module under ~/.nuget/packages/pester/5.9.1/tools/.
nuget="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
[[ -f "$nuget/pester/5.9.1/tools/Pester.psd1" ]] || dotnet restore "$here/../Pester/restore/Pester.restore.csproj" --verbosity quiet
[[ -x "$HOME/.dotnet/tools/pwsh" && -f "$nuget/pester/5.9.1/tools/Pester.psd1" ]] || { echo "install.sh: pwsh 7.6.9 or Pester 5.9.1 still missing" >&2; exit 1; }
echo "peers installed: ${packages[*]} + npm smtp-server, ws, @grpc/grpc-js, @grpc/proto-loader, @grpc/reflection, grpc-health-check, pwsh 7.6.9, Pester 5.9.1"
