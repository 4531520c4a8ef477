# Issue 10 items 10, 18, 19, 20, 21 and 23 from outside, for one build of the module: run in a child pwsh inside
# isolated_net.sh (loopback only), e.g.
#   pwsh -NoProfile -File tests/peers/hostile/server_items.ps1 out/PSNetTools/PSNetTools.psd1 /tmp/files
# FILES is a folder with big.bin (200 MB), ok.txt and a file whose name is not UTF-8. Prints one line per finding.
param([string]$Module, [string]$Files)
$ErrorActionPreference = 'Continue'
Import-Module $Module
function fds { (Get-ChildItem /proc/self/fd).Count }
function closeWait($port) { (ss -tanH state close-wait "( sport = :$port )" | Measure-Object).Count }
function raw($port, [string]$text, [int]$waitMs = 3000) {
    $c = [Net.Sockets.TcpClient]::new('127.0.0.1', $port); $s = $c.GetStream(); $s.ReadTimeout = $waitMs
    $b = [Text.Encoding]::ASCII.GetBytes($text); $s.Write($b, 0, $b.Length)
    $buf = [byte[]]::new(1MB); $all = [IO.MemoryStream]::new()
    try { while (($n = $s.Read($buf, 0, $buf.Length)) -gt 0) { $all.Write($buf, 0, $n) } } catch { }
    $c.Close(); [Text.Encoding]::UTF8.GetString($all.ToArray())
}
function status($text) { ($text -split "`r`n")[0] }

# Item 10: 500 handshakes offering an invalid subprotocol list.
$ws = Start-WebSocketEchoServer -Port 0
$before = fds
$clients = foreach ($i in 1..500) {
    $c = [Net.Sockets.Socket]::new('InterNetwork', 'Stream', 'Tcp'); $c.Connect('127.0.0.1', $ws.Port)
    $req = "GET / HTTP/1.1`r`nHost: 127.0.0.1:$($ws.Port)`r`nUpgrade: websocket`r`nConnection: Upgrade`r`nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==`r`nSec-WebSocket-Version: 13`r`nSec-WebSocket-Protocol: a(b`r`n`r`n"
    $null = $c.Send([Text.Encoding]::ASCII.GetBytes($req)); $c
}
Start-Sleep -Seconds 3
$answers = @{}
foreach ($c in $clients) {
    $line = if ($c.Available -gt 0) { $buf = [byte[]]::new(4096); $n = $c.Receive($buf); ([Text.Encoding]::ASCII.GetString($buf, 0, $n) -split "`r`n")[0] } else { 'no answer' }
    $answers[$line] = 1 + $answers[$line]; $c.Close()
}
Start-Sleep -Seconds 2
"item10 answers: " + (($answers.GetEnumerator() | ForEach-Object { "$($_.Key) x$($_.Value)" }) -join '; ')
"item10 fds: before $before, after $(fds); CLOSE-WAIT on the server port: $(closeWait $ws.Port)"
$ws | Stop-NetServer -Confirm:$false

# Items 18 and 19: handlers that fail or answer what HTTP cannot carry.
$web = Start-HttpServer -Port 0 -Route @{
    'GET /throw' = { [IO.File]::ReadAllText('/nonexistent') }
    'GET /writeerror' = { Write-Error 'the disk is on fire'; 'partial' }
    'GET /status99' = { $Request.Response.StatusCode = 99; 'x' }
    'GET /status1000' = { $Request.Response.StatusCode = 1000; 'x' }
    'GET /crlf' = { $Request.Response.Headers['X-Evil'] = "a`r`nSet-Cookie: pwned=1"; 'x' }
}
foreach ($p in 'throw', 'writeerror', 'status99', 'status1000', 'crlf') {
    $a = raw $web.Port "GET /$p HTTP/1.1`r`nHost: 127.0.0.1:$port`r`nConnection: close`r`n`r`n"
    $body = ($a -split "`r`n`r`n", 2)[1]
    "item$(if ($p -like 'status*' -or $p -eq 'crlf') { 19 } else { 18 }) /$p -> $(status $a) body=[$body] pwned=$($a -match 'Set-Cookie: pwned')"
}
"item18/19 log: " + (($web.GetLog() | Where-Object { $_ -notmatch '"GET' }) -join ' | ')
$web | Stop-NetServer -Confirm:$false
$rpc = Start-XmlRpcServer -Port 0 -Method @{ readfile = { [IO.File]::ReadAllText('/nonexistent') }; writeerror = { Write-Error 'the disk is on fire'; 'partial' } }
foreach ($m in 'readfile', 'writeerror') {
    $xml = "<?xml version='1.0'?><methodCall><methodName>$m</methodName><params/></methodCall>"
    $a = raw $rpc.Port "POST /RPC2 HTTP/1.1`r`nHost: 127.0.0.1:$port`r`nContent-Type: text/xml`r`nContent-Length: $($xml.Length)`r`nConnection: close`r`n`r`n$xml"
    "item18 xmlrpc $m -> $(status $a) $((($a -split "`r`n`r`n", 2)[1]) -replace '\s+', ' ')"
}
"item18 xmlrpc log: " + (($rpc.GetLog() | Where-Object { $_ -notmatch '"POST' }) -join ' | ')
$rpc | Stop-NetServer -Confirm:$false

# Items 20, 21, 23: the file server.
$fs = Start-HttpFileServer -Path $Files -Port 0
$a = raw $fs.Port "GET / HTTP/1.1`r`nHost: 127.0.0.1:$port`r`nConnection: close`r`n`r`n"
"item21 listing -> $(status $a), body $((($a -split "`r`n`r`n", 2)[1]).Length) chars, lists ok.txt: $($a -match 'ok.txt'), lists the bad name: $($a -match 'bad')"
$a = raw $fs.Port "GET /ok.txt HTTP/1.1`r`nHost: 127.0.0.1:$port`r`n`r`nGET /ok.txt HTTP/1.1`r`nHost: 127.0.0.1:$port`r`n`r`nGET /ok.txt HTTP/1.1`r`nHost: 127.0.0.1:$port`r`nConnection: close`r`n`r`n"
"item23 three pipelined GETs -> $(([regex]::Matches($a, 'HTTP/1.1 200')).Count) answers of 200"
$slow = foreach ($i in 1..5) {
    $c = [Net.Sockets.Socket]::new('InterNetwork', 'Stream', 'Tcp'); $c.ReceiveBufferSize = 4096; $c.Connect('127.0.0.1', $fs.Port)
    $null = $c.Send([Text.Encoding]::ASCII.GetBytes("GET /big.bin HTTP/1.1`r`nHost: 127.0.0.1:$($fs.Port)`r`n`r`n")); $c
}
Start-Sleep -Seconds 1
$Error.Clear()
$fs | Stop-NetServer -Confirm:$false 2>&1 | ForEach-Object { "item20 Stop-NetServer wrote: $_" }
"item20 errors after Stop-NetServer: $($Error.Count) $(($Error | ForEach-Object { $_.ToString() }) -join ' | ')"
"item20 log: " + (($fs.GetLog() | Where-Object { $_ -like '*big.bin*' }) -join ' | ')
$slow | ForEach-Object { $_.Close() }
"done"
