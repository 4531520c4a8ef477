# Dot-sourced by the view and export tests (after Common.ps1) in BeforeAll: one realistic set of rows for each output
# type the module produces on loopback, failures included where a view must show why, and the rich parts (links,
# headings, images, matched elements, attachments, certificates, raw bytes) filled in, since those are what an export
# mangles. Starts the peers it needs; Stop-OutputSamplePeers stops them.
function New-OutputSampleSet {
    param([Parameter(Mandatory)] [string] $Directory)
    $script:SampleNginx = Start-TlsNginx
    $script:SampleGrpc = Start-GrpcPeer
    $script:SampleMail = Start-MailPeers
    $www = (New-Item -ItemType Directory (Join-Path $Directory www) -Force).FullName
    Set-Content "$www/index.html" '<html><head><title>Home page</title><meta name="description" content="The home page"></head><body><h1>Welcome</h1><h2>News</h2><img src="/logo.png"><a href="/about.html">About us</a> <a href="/missing.html">Gone</a></body></html>'
    Set-Content "$www/about.html" '<html><head><title>About</title></head><body><h1>About</h1><p class="x" id="p1">We test things.</p></body></html>'
    Set-Content "$www/report.txt" 'report'
    $saved = (New-Item -ItemType Directory (Join-Path $Directory attachments) -Force).FullName

    $tcp = Start-TcpEchoServer -Port 0
    $udp = Start-UdpEchoServer -Port 0
    $files = Start-HttpFileServer -Path $www -Port 0
    $null = Start-HttpServer -Port 0 -Route @{ 'GET /' = { 'hi' } }
    $ws = Start-WebSocketEchoServer -Port 0
    $null = Start-XmlRpcServer -Port 0 -Method @{ add = { param($a, $b) $a + $b } }
    $samples = @{}
    $samples.PortScanResult = Find-OpenPort 127.0.0.1 -Port $tcp.Port, (Get-ClosedTcpPort) -IncludeClosed
    $samples.PingSummary = @(Test-Ping 127.0.0.1, ::1 -Count 2)
    # The longest Status a summary can carry: loopback never reports an unreachable host, so one real summary says so.
    $unreachable = Test-Ping 127.0.0.1 -Count 1
    $unreachable.Status = 'DestinationUnreachable'
    $samples.PingSummary += $unreachable
    $samples.PingReply = Test-Ping 127.0.0.1 -Continuous -IntervalSec 0.1 | Select-Object -First 2
    $samples.EchoTestResult = @(Test-TcpEcho 127.0.0.1 -Port $tcp.Port -Count 2) + @(Test-UdpEcho 127.0.0.1 -Port $udp.Port -Count 2)
    $samples.MessageReply = Send-TcpMessage 127.0.0.1 -Port $tcp.Port -Message 'hello'
    $samples.HttpCheckResult = Test-HttpEndpoint $files.Endpoint, "$($files.Endpoint)missing.html" -ExpectStatus 200
    $samples.HttpCheckSummary = Test-HttpEndpoint $files.Endpoint -Count 5
    $samples.TlsCertificateInfo = Get-TlsCertificate 127.0.0.1 -Port $SampleNginx.ChainPort, $SampleNginx.ExpiredPort, $SampleNginx.WrongHostPort
    $samples.HtmlPage = Invoke-Scrape $files.Endpoint
    $samples.ScrapedElement = Invoke-Scrape "$($files.Endpoint)about.html" -Selector 'p.x'
    $samples.CrawlPage = Invoke-Crawl $files.Endpoint -Depth 2 -Selector h1
    $samples.GrpcMethodInfo = Get-GrpcService $SampleGrpc.Address -Plaintext
    $samples.GrpcHealthResult = Test-GrpcHealth $SampleGrpc.Address -Service '', demo.v1.Greeter, down.Service -Plaintext
    $samples.GrpcCallResult = @{ int32_value = 1 }, @{ int32_value = 2 } |
        Invoke-GrpcMethod $SampleGrpc.Address test.v1.KitchenSink/Echo -Plaintext -IncludeMetadata -Metadata @{ 'x-sample' = 'yes' } |
        Where-Object { $_.GetType().Name -eq 'GrpcCallResult' }
    # A bidi stream after its call ended: Status, StatusDetail and the response headers are filled in.
    $stream = Connect-GrpcStream $SampleGrpc.Address demo.v1.Greeter/Chat -Plaintext
    Send-GrpcMessage $stream @{ name = 'sample' } -Complete
    $null = Receive-GrpcMessage $stream -TimeoutSec 5
    $samples.GrpcStreamSession = Disconnect-GrpcStream $stream -PassThru
    $session = Connect-WebSocket $ws.Endpoint
    $samples.WebSocketExchange = 'hello', 'world' | Send-WebSocketMessage -Session $session
    $samples.WebSocketMessage = @(Send-WebSocketMessage -Session $session -Message 'one' -NoResponse | Out-Null) + @(Receive-WebSocketMessage $session -Count 1 -TimeoutSec 5)
    Disconnect-WebSocket $session
    $samples.WebSocketSession = $session
    $samples.SentMail = Send-Mail -SmtpServer 127.0.0.1 -Port $SampleMail.SmtpPort -Security None -From 'me@example.com' -To 'tester@example.com' -Subject 'Quarterly report' -Body 'see attachment' -Attachment "$www/report.txt" -PassThru
    $samples.ReceivedMessage = Get-ImapMessage 127.0.0.1 -Port $SampleMail.ImapPort -Credential $SampleMail.Credential -SkipCertificateCheck -AttachmentPath $saved
    $samples.ImapFolderInfo = Get-ImapFolder 127.0.0.1 -Port $SampleMail.ImapPort -Credential $SampleMail.Credential -SkipCertificateCheck
    $samples.NetServer = Get-NetServer
    # Each server kind as its own type too (TcpEchoServer, HttpFileServer...): their extra properties differ.
    foreach ($server in $samples.NetServer) { $samples[$server.GetType().Name] = @($samples[$server.GetType().Name]) + $server | Where-Object { $_ } }
    $samples
}

function Stop-OutputSamplePeers {
    Get-NetServer | Stop-NetServer -Confirm:$false
    Stop-TlsNginx $SampleNginx
    $SampleGrpc.Process | Stop-TestPeer
    Stop-MailPeers $SampleMail
}
