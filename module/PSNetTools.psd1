@{
    RootModule           = 'PSNetTools.dll'
    # Pester Should operators (-BeReachable, -HaveValidCertificate), registered only when Pester 5 is loaded.
    NestedModules        = @('PSNetTools.Pester.psm1')
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0f6c47-3a8e-4d0e-9c61-2f4a1d7e8b93'
    Author               = 'PSNetTools contributors'
    CompanyName          = 'PSNetTools'
    Copyright            = '(c) 2026 PSNetTools contributors. MIT License.'
    Description          = 'Network programming as PowerShell objects: TCP/UDP clients and echo servers, a fast asynchronous port scanner, concurrent ping with statistics, TLS certificate inspection, HTTP endpoint checks with per-phase timings, a static file server and scriptblock-routed HTTP servers, HTML scraping (AngleSharp) and crawling, SMTP sending and IMAP/POP3 reading on MailKit, WebSocket clients and an echo server, XML-RPC clients and servers, and dynamic gRPC calls (reflection or .proto files, hashtable bodies, streaming, health checks). Cross-platform, PowerShell 7.4+.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    # Serialization depths: nested records (a page's links, a crawl's matched elements) survive jobs and remoting.
    TypesToProcess       = @('types/PSNetTools.types.ps1xml')
    FormatsToProcess     = @(
        'formats/PSNetTools.Servers.format.ps1xml'
        'formats/PSNetTools.Transport.format.ps1xml'
        'formats/PSNetTools.Scanning.format.ps1xml'
        'formats/PSNetTools.Ping.format.ps1xml'
        'formats/PSNetTools.Tls.format.ps1xml'
        'formats/PSNetTools.Http.format.ps1xml'
        'formats/PSNetTools.WebSockets.format.ps1xml'
        'formats/PSNetTools.Grpc.format.ps1xml'
        'formats/PSNetTools.Mail.format.ps1xml'
        'formats/PSNetTools.Scraping.format.ps1xml'
    )
    CmdletsToExport      = @(
        'Connect-GrpcStream'
        'Connect-WebSocket'
        'Disconnect-GrpcStream'
        'Disconnect-WebSocket'
        'Find-OpenPort'
        'Get-GrpcService'
        'Get-GrpcStream'
        'Get-ImapFolder'
        'Get-ImapMessage'
        'Get-NetServer'
        'Get-Pop3Message'
        'Get-TlsCertificate'
        'Invoke-Crawl'
        'Invoke-GrpcMethod'
        'Invoke-Scrape'
        'Invoke-XmlRpc'
        'Receive-GrpcMessage'
        'Receive-WebSocketMessage'
        'Send-GrpcMessage'
        'Send-Mail'
        'Send-TcpMessage'
        'Send-UdpMessage'
        'Send-WebSocketMessage'
        'Start-HttpFileServer'
        'Start-HttpServer'
        'Start-TcpEchoServer'
        'Start-UdpEchoServer'
        'Start-WebSocketEchoServer'
        'Start-XmlRpcServer'
        'Stop-NetServer'
        'Test-GrpcHealth'
        'Test-HttpEndpoint'
        'Test-Ping'
        'Test-TcpEcho'
        'Test-UdpEcho'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Network', 'TCP', 'UDP', 'PortScan', 'Ping', 'TLS', 'Certificate', 'Echo', 'Server', 'HTTP', 'WebServer', 'Mail', 'SMTP', 'IMAP', 'POP3', 'Scraping', 'Crawler', 'XmlRpc', 'WebSocket', 'gRPC', 'Protobuf', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/psnettools/PSNetTools'
            LicenseUri   = 'https://github.com/psnettools/PSNetTools/blob/main/LICENSE'
            ReleaseNotes = '0.1.0: first release. TCP/UDP echo servers and clients, Find-OpenPort, Test-Ping, Get-TlsCertificate, Get-NetServer/Stop-NetServer; Test-HttpEndpoint, Start-HttpFileServer, Start-HttpServer; Send-Mail, Get-ImapMessage, Get-ImapFolder, Get-Pop3Message; Invoke-Scrape, Invoke-Crawl; Invoke-XmlRpc, Start-XmlRpcServer; Start-WebSocketEchoServer, Connect-WebSocket, Send-WebSocketMessage, Receive-WebSocketMessage, Disconnect-WebSocket; Get-GrpcService, Invoke-GrpcMethod, Test-GrpcHealth.'
        }
    }
}
