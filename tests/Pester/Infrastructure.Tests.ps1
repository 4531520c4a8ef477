# The infrastructure tests a user writes with PSNetTools: ports open and closed, echo, HTTP 200 within a time, a
# certificate valid for N more days, gRPC health. Written with the module's Should operators, whose failure messages
# say what was wrong; the last Describe checks those messages.
BeforeAll {
    . $PSScriptRoot/Common.ps1
}

Describe 'TCP services' {
    BeforeAll {
        $echo = Start-TcpEchoServer -Port 0
        $closedPort = Get-ClosedTcpPort
    }
    AfterAll { $echo | Stop-NetServer -Confirm:$false }

    It 'the echo port is open' {
        Find-OpenPort 127.0.0.1 -Port $echo.Port | Should -BeReachable
        "127.0.0.1:$($echo.Port)" | Should -BeReachable
    }

    It 'a port nothing listens on is closed' {
        Find-OpenPort 127.0.0.1 -Port $closedPort -IncludeClosed | Should -Not -BeReachable
        "127.0.0.1:$closedPort" | Should -Not -BeReachable
        (Find-OpenPort 127.0.0.1 -Port $closedPort -IncludeClosed).State | Should -Be 'Closed'
    }

    It 'echoes every probe back' {
        $result = Test-TcpEcho 127.0.0.1 -Port $echo.Port -Message 'ping' -Count 3
        $result | Should -BeReachable
        $result.Matched | Should -Be 3
        $result.LastReply | Should -Be 'ping'
        Test-TcpEcho 127.0.0.1 -Port $echo.Port -Quiet | Should -BeTrue
    }

    It 'an echo test of a closed port fails with the reason' {
        Test-TcpEcho 127.0.0.1 -Port $closedPort -ErrorVariable failure -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        "$failure" | Should -BeLike '*refused*'
        Test-TcpEcho 127.0.0.1 -Port $closedPort -Quiet -ErrorAction SilentlyContinue | Should -BeFalse
    }

    It 'a UDP echo server answers' {
        $udp = Start-UdpEchoServer -Port 0
        try { Test-UdpEcho 127.0.0.1 -Port $udp.Port -Count 3 | Should -BeReachable }
        finally { $udp | Stop-NetServer -Confirm:$false }
    }
}

Describe 'HTTP' {
    BeforeAll {
        Set-Content (Join-Path $TestDrive 'index.html') '<h1>up</h1>'
        $web = Start-HttpFileServer -Path $TestDrive -Port 0
    }
    AfterAll { $web | Stop-NetServer -Confirm:$false }

    It 'the home page answers 200 within 5 seconds' {
        $check = Test-HttpEndpoint $web.Endpoint -ExpectStatus 200 -ExpectContent 'up'
        $check | Should -BeReachable
        $check.StatusCode | Should -Be 200
        $check.TotalMs | Should -BeLessThan 5000
    }

    It '95% of 20 requests answer within 3 seconds' {
        $summary = Test-HttpEndpoint $web.Endpoint -Count 20
        $summary | Should -BeReachable
        $summary.P95Ms | Should -BeLessThan 3000
    }

    It 'a missing page is reported with its status' {
        $check = Test-HttpEndpoint "$($web.Endpoint)missing" -ExpectStatus 200
        $check | Should -Not -BeReachable
        $check.StatusCode | Should -Be 404
        $check.Error | Should -BeLike '*404*'
    }
}

Describe 'TLS certificates' {
    BeforeAll {
        $nginx = Start-TlsNginx
        $ca = [Security.Cryptography.X509Certificates.X509Certificate2]::new((Join-Path $nginx.CertificateDirectory 'ca.crt'))
    }
    AfterAll { Stop-TlsNginx $nginx }

    It 'the CA-signed certificate is valid for at least 30 more days' {
        Get-TlsCertificate 127.0.0.1 -Port $nginx.ChainPort -TrustedCertificate $ca | Should -HaveValidCertificate -Days 30
    }

    It 'but not for two more years' {
        Get-TlsCertificate 127.0.0.1 -Port $nginx.ChainPort -TrustedCertificate $ca | Should -Not -HaveValidCertificate -Days 730
    }

    It 'an expired, a self-signed and a wrong-host certificate are not valid' {
        Get-TlsCertificate 127.0.0.1 -Port $nginx.ExpiredPort -TrustedCertificate $ca | Should -Not -HaveValidCertificate
        Get-TlsCertificate 127.0.0.1 -Port $nginx.SelfSignedPort | Should -Not -HaveValidCertificate
        Get-TlsCertificate 127.0.0.1 -Port $nginx.WrongHostPort -TrustedCertificate $ca | Should -Not -HaveValidCertificate
    }

    It 'the days left are a plain number to compare' {
        (Get-TlsCertificate 127.0.0.1 -Port $nginx.ChainPort -TrustedCertificate $ca).DaysUntilExpiry | Should -BeGreaterThan 300
    }
}

Describe 'gRPC health' {
    BeforeAll { $grpc = Start-GrpcPeer }
    AfterAll { $grpc.Process | Stop-TestPeer }

    It 'the server and the Greeter service are serving' {
        Test-GrpcHealth $grpc.Address -Plaintext | Should -BeReachable
        Test-GrpcHealth $grpc.Address -Service demo.v1.Greeter -Plaintext | Should -BeReachable
        Test-GrpcHealth $grpc.Address -Plaintext -Quiet | Should -BeTrue
    }

    It 'a service that is down is not serving' {
        Test-GrpcHealth $grpc.Address -Service down.Service -Plaintext | Should -Not -BeReachable
    }
}

Describe 'Failure messages of the Should operators' {
    BeforeAll {
        $closedPort = Get-ClosedTcpPort
        $nginx = Start-TlsNginx
        $ca = [Security.Cryptography.X509Certificates.X509Certificate2]::new((Join-Path $nginx.CertificateDirectory 'ca.crt'))
        $grpc = Start-GrpcPeer
        Set-Content (Join-Path $TestDrive 'index.html') 'up'
        $web = Start-HttpFileServer -Path $TestDrive -Port 0
    }
    AfterAll {
        Stop-TlsNginx $nginx
        $grpc.Process | Stop-TestPeer
        $web | Stop-NetServer -Confirm:$false
    }

    It 'a closed port: which port, and that it was refused' {
        { "127.0.0.1:$closedPort" | Should -BeReachable } |
            Should -Throw -ExpectedMessage "Expected TCP port 127.0.0.1:$closedPort to be reachable, but it is Closed (refused: nothing listens there)."
        { Find-OpenPort 127.0.0.1 -Port $closedPort -IncludeClosed | Should -BeReachable -Because 'the API must be up' } |
            Should -Throw -ExpectedMessage "Expected TCP port 127.0.0.1:$closedPort to be reachable, because the API must be up, but it is Closed*"
    }

    It 'an open port under -Not' {
        { "127.0.0.1:$($web.Port)" | Should -Not -BeReachable } |
            Should -Throw -ExpectedMessage "Expected TCP port 127.0.0.1:$($web.Port) not to be reachable, but it is Open."
    }

    It 'no result at all (the command wrote an error)' {
        { Test-TcpEcho 127.0.0.1 -Port $closedPort -ErrorAction SilentlyContinue | Should -BeReachable } |
            Should -Throw -ExpectedMessage 'Expected a reachable target, but got no result at all: the command wrote an error instead*'
    }

    It 'an HTTP check: the URI and the error' {
        { Test-HttpEndpoint "$($web.Endpoint)missing" -ExpectStatus 200 | Should -BeReachable } |
            Should -Throw -ExpectedMessage "Expected $($web.Endpoint)missing to be reachable, but it failed: *404*"
    }

    It 'gRPC health: the service and its status' {
        { Test-GrpcHealth $grpc.Address -Service down.Service -Plaintext | Should -BeReachable } |
            Should -Throw -ExpectedMessage "Expected gRPC service 'down.Service' at $($grpc.Address) to be reachable, but its health is NotServing."
    }

    It 'a -Quiet result says to run without -Quiet' {
        { $false | Should -BeReachable } | Should -Throw -ExpectedMessage '*the -Quiet result was False (run it without -Quiet to see why).'
    }

    It 'a certificate valid for fewer days than asked: when it expires' {
        $cert = Get-TlsCertificate 127.0.0.1 -Port $nginx.ChainPort -TrustedCertificate $ca
        { $cert | Should -HaveValidCertificate -Days 730 } |
            Should -Throw -ExpectedMessage "Expected the certificate of 127.0.0.1:$($nginx.ChainPort) to be valid for at least 730 more days, but it expires in $($cert.DaysUntilExpiry) days ($($cert.NotAfter.ToString('yyyy-MM-dd HH:mm')))."
    }

    It 'an expired certificate: when it expired' {
        { Get-TlsCertificate 127.0.0.1 -Port $nginx.ExpiredPort -TrustedCertificate $ca | Should -HaveValidCertificate -Days 30 } |
            Should -Throw -ExpectedMessage "Expected the certificate of 127.0.0.1:$($nginx.ExpiredPort) to be valid for at least 30 more days, but it expired on 2021-01-01*"
    }

    It 'an untrusted, wrong-host certificate: every problem' {
        { Get-TlsCertificate 127.0.0.1 -Port $nginx.WrongHostPort | Should -HaveValidCertificate } |
            Should -Throw -ExpectedMessage "Expected the certificate of 127.0.0.1:$($nginx.WrongHostPort) to be valid, but it is not trusted (*); it is for CN=wrong.example, not '127.0.0.1'."
    }

    It 'a valid certificate under -Not' {
        { Get-TlsCertificate 127.0.0.1 -Port $nginx.ChainPort -TrustedCertificate $ca | Should -Not -HaveValidCertificate -Days 30 } |
            Should -Throw -ExpectedMessage "Expected the certificate of 127.0.0.1:$($nginx.ChainPort) not to be valid for at least 30 more days, but it is trusted, matches '127.0.0.1' and expires in * days (*)."
    }

    It 'something that is not a network result is refused' {
        { Get-Date | Should -BeReachable } | Should -Throw -ExpectedMessage '*cannot tell whether a System.DateTime is reachable*'
        { 'not a target' | Should -BeReachable } | Should -Throw -ExpectedMessage "*'not a target' is not host:port*"
    }
}

Describe 'The Should operators are registered only when Pester is loaded' {
    BeforeAll {
        $pwsh = Join-Path $PSHOME 'pwsh'
        $pester = Join-Path (Get-Module Pester).ModuleBase 'Pester.psd1'
    }

    It 'importing PSNetTools without Pester loads no Pester and registers nothing' {
        & $pwsh -NoProfile -NonInteractive -Command "Import-Module '$ModulePath'; [bool](Get-Module Pester)" | Should -Be 'False'
    }

    It 'importing PSNetTools after Pester registers -BeReachable and -HaveValidCertificate' {
        $names = & $pwsh -NoProfile -NonInteractive -Command "Import-Module '$pester'; Import-Module '$ModulePath'; (Get-Command Should).Parameters.Keys -match '^(BeReachable|HaveValidCertificate)$'"
        $names | Sort-Object | Should -Be 'BeReachable', 'HaveValidCertificate'
    }

    It 'a second import (-Force) of PSNetTools is harmless' {
        & $pwsh -NoProfile -NonInteractive -Command "Import-Module '$pester'; Import-Module '$ModulePath'; Import-Module '$ModulePath' -Force; '127.0.0.1:1' | Should -Not -BeReachable; 'ok'" | Should -Be 'ok'
    }
}
