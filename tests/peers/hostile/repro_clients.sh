#!/usr/bin/env bash
# Issue 10's client items (11-17, 22) reproduced from outside, as the reviewer did: a child pwsh (real pwsh 7.6.9)
# imports the module given, talks to a hostile peer of this kit on loopback, and measure_child.py measures it (exit
# code, elapsed, peak RSS of the pwsh tree, fds, CPU). Run it once with the module from before issue 10 and once with
# the new one, inside the loopback-only namespace, one heavy item at a time:
#
#   bash tests/peers/hostile/isolated_net.sh /tmp/dns.log bash tests/peers/hostile/repro_clients.sh ITEM MANIFEST LABEL
#
# ITEM is 11 12 13 13c 14 15 16 16all 16n 17 22. Ports are fixed: the namespace is the run's own. Not for CI (minutes of
# CPU and GBs of memory on the old module; the limits below kill a run that grows past them).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
item="$1"; manifest="$2"; label="$3"
export PATH="$PATH:$HOME/.dotnet/tools" POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off
[[ "$(ip -o link show | wc -l)" == 1 ]] || { echo "run me inside isolated_net.sh (only lo may exist)" >&2; exit 2; }
certs="$(bash "$here/../certs.sh" /tmp/repro-clients-certs)"
peers=()
trap 'for p in "${peers[@]}"; do kill "$p" 2>/dev/null; done' EXIT

wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0; sleep 0.1; done; echo "no peer on $1:$2" >&2; exit 3; }
# The lying server: 127.0.0.1:8081 (hostile), 127.0.0.2:8081 (another host), 127.0.0.1:8082 (another port),
# https on 127.0.0.1:8443.
lying() {
  python3 "$here/lying_http_server.py" "$@" --tls=127.0.0.1:8443 --cert="$certs/selfsigned.crt" --key="$certs/selfsigned.key" \
    127.0.0.2:8081 127.0.0.1:8082 127.0.0.1:8081 >/dev/null 2>&1 &
  peers+=($!)
  wait_port 127.0.0.1 8081; wait_port 127.0.0.2 8081; wait_port 127.0.0.1 8443
}
seen() { python3 -c '
import json, sys, urllib.request
for q in json.load(urllib.request.urlopen("http://127.0.0.1:8081/_seen")):
    h = q["headers"]
    secrets = ",".join(k for k in ("Authorization", "Cookie", "X-Api-Key") if k in h) or "-"
    print("  seen %-15s %-60s secrets=%s" % (q["listener"], q["path"][:60], secrets))'; }
measure() { python3 "$here/measure_child.py" "$@"; }
run() { # run LIMIT-OPTIONS... -- SCRIPT
  local opts=()
  while [[ "$1" != "--" ]]; do opts+=("$1"); shift; done
  shift
  measure "${opts[@]}" "$item-$label" pwsh -NoProfile -c "Import-Module '$manifest'; $1"
}

case "$item" in
  11) # Pages of 200,000 unique links each, -MaxPages 20 (issue: 3.4 GB).
    lying --links-per-page=200000
    run --kill-after=300 --max-rss-mb=6000 -- "
      \$rows = @(Invoke-Crawl 'http://127.0.0.1:8081/p/start' -MaxPages 20 -WarningAction SilentlyContinue)
      'rows {0}' -f \$rows.Count" ;;
  12) # An endless TCP reply (issue: 4.3 GB, then 'Stream was too long'). The peer stops at 3 GB.
    python3 "$here/endless_reply.py" tcp 9000 $((3 << 30)) & peers+=($!)
    wait_port 127.0.0.1 9000
    run --kill-after=300 --max-rss-mb=7000 -- "
      \$r = @(Send-TcpMessage 127.0.0.1 -Port 9000 -Message hello -ErrorVariable e -ErrorAction SilentlyContinue)
      'rows {0}' -f \$r.Count
      foreach (\$x in \$e) { 'error {0}: {1} | {2}' -f \$x.FullyQualifiedErrorId, \$x.Exception.Message, \$x.ErrorDetails.RecommendedAction }" ;;
  13) # 80,000 nested <div> (400 KB), -TimeoutSec 5 (issue: 60 s of CPU, outside -TimeoutSec).
    lying
    run --kill-after=240 -- "
      \$w = [Diagnostics.Stopwatch]::StartNew()
      \$r = @(Invoke-Scrape 'http://127.0.0.1:8081/deep?n=80000' -TimeoutSec 5 -ErrorVariable e -ErrorAction SilentlyContinue)
      'rows {0} after {1:N1} s' -f \$r.Count, \$w.Elapsed.TotalSeconds
      foreach (\$x in \$e) { 'error {0}: {1} | {2}' -f \$x.FullyQualifiedErrorId, \$x.Exception.Message, \$x.ErrorDetails.RecommendedAction }" ;;
  13c) # Ctrl+C (SIGINT to the pwsh process group) about 5 s into the parse, with large time limits. The finally block says
    # when the pipeline stopped, then idles 10 s and says how much CPU the process burnt meanwhile: a parse that goes
    # on after Ctrl+C keeps a core busy in the user's session.
    lying
    extra=""
    pwsh -NoProfile -c "Import-Module '$manifest'; (Get-Command Invoke-Scrape).Parameters.ContainsKey('ParseTimeoutSec')" | grep -q True && extra="-ParseTimeoutSec 600"
    run --sigint-after=7 --kill-after=240 -- "
      \$w = [Diagnostics.Stopwatch]::StartNew()
      try { Invoke-Scrape 'http://127.0.0.1:8081/deep?n=80000' -TimeoutSec 600 $extra | Out-Null; [Console]::WriteLine('finished') }
      finally {
        \$me = [Diagnostics.Process]::GetCurrentProcess()
        [Console]::WriteLine(('pipeline ended after {0:N1} s' -f \$w.Elapsed.TotalSeconds))
        \$cpu = \$me.TotalProcessorTime; [Threading.Thread]::Sleep(10000); \$me.Refresh()
        [Console]::WriteLine(('CPU in the 10 s after: {0:N1} s' -f (\$me.TotalProcessorTime - \$cpu).TotalSeconds))
      }" ;;
  14) # Secrets on redirects: another host, another port, https -> http, for every cmdlet that follows redirects.
    lying
    run --kill-after=120 -- "
      \$h = @{ Authorization = 'Bearer s3cret'; Cookie = 'session=s3cret'; 'X-Api-Key' = 's3cret' }
      function to(\$target, \$status = 302) { 'http://127.0.0.1:8081/redirect?status={0}&to={1}' -f \$status, [uri]::EscapeDataString(\$target) }
      \$down = 'https://127.0.0.1:8443/redirect?to=' + [uri]::EscapeDataString('http://127.0.0.1:8081/page?from=')
      \$null = Test-HttpEndpoint (to 'http://127.0.0.2:8081/page?from=check-host'), (to 'http://127.0.0.1:8082/page?from=check-port') -Headers \$h
      \$null = Test-HttpEndpoint (\$down + 'check-down') -Headers \$h -SkipCertificateCheck
      \$null = Invoke-Scrape (to 'http://127.0.0.2:8081/page?from=scrape-host'), (to 'http://127.0.0.1:8082/page?from=scrape-port') -Headers \$h
      \$null = Invoke-Scrape (\$down + 'scrape-down') -Headers \$h -SkipCertificateCheck
      \$null = Invoke-Crawl (to 'http://127.0.0.2:8081/page?from=crawl-host'), (to 'http://127.0.0.1:8082/page?from=crawl-port') -Headers \$h -Depth 1 -AllowedDomain 127.0.0.1, 127.0.0.2 -IgnoreRobotsTxt
      \$null = Invoke-Crawl (\$down + 'crawl-down') -Headers \$h -Depth 1 -IgnoreRobotsTxt -SkipCertificateCheck
      \$cred = [pscredential]::new('user', (ConvertTo-SecureString 's3cret' -AsPlainText -Force))
      \$null = Invoke-XmlRpc (to 'http://127.0.0.2:8081/page?from=xmlrpc-host' 307) -Method m -Headers \$h -Credential \$cred -ErrorAction SilentlyContinue
      \$null = Invoke-XmlRpc (to 'http://127.0.0.1:8082/page?from=xmlrpc-port' 308) -Method m -Headers \$h -ErrorAction SilentlyContinue
      \$s = Connect-WebSocket ('ws://127.0.0.1:8081/redirect?to=' + [uri]::EscapeDataString('http://127.0.0.2:8081/page?from=ws-host')) -Headers \$h -ErrorAction SilentlyContinue
      'done'"
    seen ;;
  15) # robots.txt that redirects to another host.
    lying --robots-to=http://127.0.0.2:8081/robots.txt
    run --kill-after=60 -- "
      Invoke-Crawl 'http://127.0.0.1:8081/page' -Depth 0 | ForEach-Object { 'row {0} {1}' -f \$_.StatusCode, \$_.Uri }"
    seen ;;
  16) # Test-Ping 127.0.0.0/8 -Count 1 (issue: 221,150 addresses pinged, no prompt); 20 s at most.
    run --kill-after=20 -- "
      \$n = 0; Test-Ping 127.0.0.0/8 -Count 1 -ErrorVariable e -ErrorAction SilentlyContinue | ForEach-Object { \$n++; if (\$n % 100000 -eq 0) { 'pinged {0}' -f \$n } }
      'pinged {0} in all' -f \$n
      foreach (\$x in \$e | Select-Object -First 2) { 'error {0}: {1}' -f \$x.FullyQualifiedErrorId, \$x.Exception.Message }" ;;
  16all) # Every cmdlet whose -ComputerName (or alias) takes a list of targets, found by Get-Command, given 127.0.0.0/8.
    python3 -c 'import socket,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 9100)); s.listen(1000)
u=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 9100)); time.sleep(600)' & peers+=($!)
    wait_port 127.0.0.1 9100
    run --kill-after=200 -- "
      \$fanOut = Get-Command -Module PSNetTools -CommandType Cmdlet | Where-Object {
          \$p = \$_.Parameters.Values | Where-Object { \$_.Name -eq 'ComputerName' -or \$_.Aliases -contains 'ComputerName' }
          \$p -and \$p.ParameterType.IsArray }
      foreach (\$c in \$fanOut) {
          \$a = @{ ComputerName = '127.0.0.0/8' }
          if (\$c.Parameters.ContainsKey('Port')) { \$a.Port = 9100 }
          if (\$c.Parameters.ContainsKey('Count')) { \$a.Count = 1 }
          if (\$c.Parameters.ContainsKey('Message')) { \$a.Message = 'hi' }
          if (\$c.Parameters.ContainsKey('TimeoutSec')) { \$a.TimeoutSec = 0.2 }
          \$w = [Diagnostics.Stopwatch]::StartNew()
          \$job = Start-ThreadJob { param(\$m, \$n, \$a) Import-Module \$m; & \$n @a -ErrorAction SilentlyContinue -ErrorVariable e | Select-Object -First 1; \$e | Select-Object -First 1 | ForEach-Object FullyQualifiedErrorId } -ArgumentList '$manifest', \$c.Name, \$a
          \$done = Wait-Job \$job -Timeout 15
          \$out = Receive-Job \$job; Stop-Job \$job; Remove-Job \$job -Force
          '{0,-20} force={1,-5} {2,-7} {3:N1} s: {4}' -f \$c.Name, \$c.Parameters.ContainsKey('Force'), \$(if (\$done) { 'ended' } else { 'RUNNING' }), \$w.Elapsed.TotalSeconds, ((\$out | ForEach-Object { \"\$_\" }) -join ' / ')
      }"
    ss -tan | awk 'NR>1 {print $1}' | sort | uniq -c | sed 's/^/  ss /' ;;
  16n) # 256.0.0.1 and friends: invalid addresses, never a DNS query (the namespace's resolver logs every name asked).
    run --kill-after=120 -- "
      \$fanOut = 'Test-Ping 256.0.0.1 -Count 1', 'Find-OpenPort 256.0.0.1 -Port 80', 'Test-TcpEcho 256.0.0.1 -Port 7', 'Test-UdpEcho 1.2.3.4.5 -Port 7', 'Send-TcpMessage 1.2.3 -Port 7 -Message x', 'Send-UdpMessage 256.0.0.1 -Port 7 -Message x', 'Get-TlsCertificate 256.0.0.1 -Port 443'
      # Not fan-outs (one host each), asked the same to see what they do with it.
      \$single = 'Get-ImapFolder -Server 256.0.0.2 -Credential \$c -Security None -Port 7', 'Get-Pop3Message -Server 256.0.0.3 -Credential \$c -Security None -Port 7', 'Send-Mail -Server 256.0.0.4 -From a@b.c -To d@e.f -Subject s -Body b -Security None -Port 7 -Confirm:\$false', 'Test-GrpcHealth 256.0.0.5:7', 'Test-HttpEndpoint http://256.0.0.6:7/', 'Invoke-Scrape http://256.0.0.7:7/', 'Invoke-XmlRpc http://256.0.0.8:7/ -Method m', 'Connect-WebSocket ws://256.0.0.9:7/'
      \$c = [pscredential]::new('u', (ConvertTo-SecureString 'p' -AsPlainText -Force))
      foreach (\$cmd in \$fanOut + \$single) {
          \$e = \$null
          \$t = if ((Get-Command (\$cmd -split ' ')[0]).Parameters.ContainsKey('TimeoutSec')) { '-TimeoutSec 3' } else { '' }
          try { \$null = Invoke-Expression \"\$cmd \$t -ErrorAction SilentlyContinue -ErrorVariable +e\" 2>\$null } catch { \$e = @(\$_) }
          '{0,-28} {1}' -f ((\$cmd -split ' ')[0..1] -join ' '), ((\$e | Select-Object -First 1 | ForEach-Object { \$_.FullyQualifiedErrorId.Split(',')[0] + ': ' + \$_.Exception.Message }) -join '')
      }" ;;
  17) # Links in -AttachmentPath with -Force, over IMAP and POP3 (Dovecot as the tests render it, IMAPS and POP3S): a link
    # to a file outside the folder and a dangling one, named as the message's attachments.
    d="$(mktemp -d /tmp/repro-mail-XXXXXX)"; chmod 755 "$d"
    mkdir -p "$d/certs" "$d/dovecot" "$d/mail/tester/Maildir/"{cur,new,tmp} "$d/save" "$d/outside"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -keyout "$d/certs/server.key" -out "$d/certs/server.crt" 2>/dev/null
    chown -R 5000:5000 "$d/mail"
    render() { sed -e "s|@DIR@|$d|g; s|@IMAP_PORT@|2143|; s|@IMAPS_PORT@|2993|; s|@POP3_PORT@|2110|; s|@POP3S_PORT@|2995|; s|@LMTP_PORT@|2424|; s|@INSTANCE@|repro|" "$1"; }
    render "$here/../mail/dovecot.conf.template" > "$d/dovecot/dovecot.conf"
    render "$here/../mail/users.template" > "$d/dovecot/users"
    dovecot -F -c "$d/dovecot/dovecot.conf" 2>/dev/null & peers+=($!)
    wait_port 127.0.0.1 2424; wait_port 127.0.0.1 2995; wait_port 127.0.0.1 2993
    python3 -c 'import smtplib
m = "From: a@example.com\r\nTo: tester@example.com\r\nSubject: links\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nhi\r\n--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"report.txt\"\r\n\r\nFROM THE SENDER\r\n--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"ghost.txt\"\r\n\r\nPLANTED\r\n--XX--\r\n"
c = smtplib.LMTP("127.0.0.1", 2424); c.sendmail("a@example.com", ["tester"], m); c.quit()'
    for proto in imap pop3; do
      rm -rf "$d/save"/* "$d/outside"/*; echo precious > "$d/outside/secret.txt"
      ln -s "$d/outside/secret.txt" "$d/save/report.txt"; ln -s "$d/outside/planted.txt" "$d/save/ghost.txt"
      cmd=$([ $proto = imap ] && echo "Get-ImapMessage -Port 2993" || echo "Get-Pop3Message -Port 2995")
      run --kill-after=60 -- "
        \$cred = [pscredential]::new('tester', (ConvertTo-SecureString secret -AsPlainText -Force))
        ($cmd -Server 127.0.0.1 -Security SslOnConnect -SkipCertificateCheck -Credential \$cred -Last 1 -AttachmentPath '$d/save' -Force).SavedAttachments"
      echo "  after $proto: outside/secret.txt = '$(cat "$d/outside/secret.txt")'; outside/planted.txt $([ -e "$d/outside/planted.txt" ] && echo "EXISTS = '$(cat "$d/outside/planted.txt")'" || echo "absent")"
      for f in report.txt ghost.txt; do echo "  save/$f: $([ -L "$d/save/$f" ] && echo "still a link" || echo "a regular file = '$(cat "$d/save/$f" | tr -d '\r')'")"; done
    done
    rm -rf "$d" ;;
  22) # Non-http redirects and a loop inside a list of URLs, a body cut at the size cap, a body that breaks off.
    lying
    run --kill-after=120 -- "
      function to(\$target) { 'http://127.0.0.1:8081/redirect?to={0}' -f [uri]::EscapeDataString(\$target) }
      \$urls = (to 'file:///etc/passwd'), (to 'ftp://127.0.0.1/x'), 'http://127.0.0.1:8081/loop', 'http://127.0.0.1:8081/page'
      'Test-HttpEndpoint:'; Test-HttpEndpoint \$urls -ErrorAction Continue 2>&1 | ForEach-Object { '  {0}' -f \$(if (\$_ -is [Management.Automation.ErrorRecord]) { 'ERROR ' + \$_.FullyQualifiedErrorId } else { '{0} {1} {2}' -f \$_.Uri, \$_.StatusCode, \$_.Error }) }
      'Invoke-Scrape:'; Invoke-Scrape \$urls -ErrorAction Continue 2>&1 | ForEach-Object { '  {0}' -f \$(if (\$_ -is [Management.Automation.ErrorRecord]) { 'ERROR ' + \$_.FullyQualifiedErrorId + ' ' + \$_.TargetObject } else { 'row ' + \$_.Title }) }
      'Invoke-Crawl:'; Invoke-Crawl \$urls[0], \$urls[2], \$urls[3] -Depth 0 -ErrorAction Continue 2>&1 | ForEach-Object { '  {0}' -f \$(if (\$_ -is [Management.Automation.ErrorRecord]) { 'ERROR ' + \$_.FullyQualifiedErrorId } else { '{0} {1} {2}' -f \$_.Uri, \$_.StatusCode, \$_.Error }) }
      'cut at the cap:'
      Test-HttpEndpoint 'http://127.0.0.1:8081/big?n=17000000' 3>&1 | ForEach-Object { '  check {0}' -f \$(if (\$_ -is [Management.Automation.WarningRecord]) { 'WARNING ' + \$_.Message } else { 'Truncated=' + \$_.Truncated }) }
      Invoke-Scrape 'http://127.0.0.1:8081/big?n=3000000' -MaximumContentBytes 2000 3>&1 | ForEach-Object { '  scrape {0}' -f \$(if (\$_ -is [Management.Automation.WarningRecord]) { 'WARNING ' + \$_.Message } else { 'Truncated=' + \$_.Truncated + ' ' + \$_.Title }) }
      Invoke-Crawl 'http://127.0.0.1:8081/big?n=3000000' -Depth 0 -MaximumContentBytes 2000 3>&1 | ForEach-Object { '  crawl {0}' -f \$(if (\$_ -is [Management.Automation.WarningRecord]) { 'WARNING ' + \$_.Message } else { 'Truncated=' + \$_.Truncated + ' Bytes=' + \$_.Bytes }) }
      'broken off (Content-Length 100000, 10 bytes sent):'
      Invoke-Scrape 'http://127.0.0.1:8081/cut' -ErrorAction Continue 2>&1 | ForEach-Object { '  scrape {0}' -f \$(if (\$_ -is [Management.Automation.ErrorRecord]) { 'ERROR ' + \$_.FullyQualifiedErrorId } else { 'row' }) }
      'end of pipeline reached'" ;;
  *) echo "unknown item $item" >&2; exit 2 ;;
esac
