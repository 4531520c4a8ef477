# Output objects through Start-Job and SSH remoting on loopback (sshd on 127.0.0.1, the PowerShell subsystem): the
# properties and their scalar values survive, type names come back as Deserialized.<name>, and the default views
# still apply. The remote side reports each object's own shape (property names, .NET types, text) next to the object,
# so the comparison is against what the object was before serialization, not against another run.
BeforeDiscovery {
    # Output types whose rich properties come back as bare strings today: the contract test reports them as skipped,
    # with the issue item, until the output shapes are fixed (then delete the entry here). None at present: HtmlPage
    # and CrawlPage get their depth from module/types/PSNetTools.types.ps1xml (issue 12 item 2).
    $lost = @{}
    $script:Cases = foreach ($case in 'PortScan', 'PingSummary', 'NetServer', 'HttpServer', 'EchoTest', 'HttpCheck', 'TlsCertificate', 'HtmlPage', 'CrawlPage') {
        @{ Case = $case; SkipReason = $lost[$case] }
    }
}

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $nginx = Start-TlsNginx

    # Runs in the job or the remote session: produces one object of each output type, each followed by its shape.
    $script:Producer = {
        param([string] $ModulePath, [int] $TlsPort)
        Import-Module $ModulePath
        function Out-WithShape([string] $Case, $InputObject) {
            $InputObject
            $props = foreach ($p in $InputObject.PSObject.Properties) {
                $first = if ($p.Value -is [Collections.IEnumerable] -and $p.Value -isnot [string]) { @($p.Value)[0] }
                [ordered]@{ Name = $p.Name; Type = if ($null -eq $p.Value) { $null } else { $p.Value.GetType().FullName }; Text = "$($p.Value)"
                    IsEnum = $null -ne $p.Value -and $p.Value.GetType().IsEnum; ElementType = if ($null -ne $first) { $first.GetType().FullName } }
            }
            # JSON text survives any serialization depth unchanged.
            [pscustomobject]@{ PSTypeName = 'PSNetTools.Test.Shape'; Case = $Case; TypeNames = @($InputObject.PSObject.TypeNames) -join ','; Properties = ConvertTo-Json @($props) -Depth 3 -Compress }
        }
        $echo = Start-TcpEchoServer -Port 0
        Set-Content (Join-Path ([IO.Path]::GetTempPath()) "psnt-remote-$PID.html") '<title>up</title><h1>up</h1><a href="/a.html">first link</a> <a href="/b.html">second</a>'
        $web = Start-HttpFileServer -Path ([IO.Path]::GetTempPath()) -Port 0
        Out-WithShape PortScan @(Find-OpenPort 127.0.0.1 -Port $echo.Port)[0]
        Out-WithShape PingSummary @(Test-Ping 127.0.0.1 -Count 2)[0]
        Out-WithShape NetServer @(Get-NetServer -Id $echo.Id)[0]
        Out-WithShape HttpServer @(Get-NetServer -Id $web.Id)[0]
        Out-WithShape EchoTest @(Test-TcpEcho 127.0.0.1 -Port $echo.Port -Count 2)[0]
        Out-WithShape HttpCheck @(Test-HttpEndpoint "$($web.Endpoint)psnt-remote-$PID.html" -ExpectStatus 200)[0]
        Out-WithShape TlsCertificate @(Get-TlsCertificate 127.0.0.1 -Port $TlsPort)[0]
        Out-WithShape HtmlPage @(Invoke-Scrape "$($web.Endpoint)psnt-remote-$PID.html")[0]
        Out-WithShape CrawlPage @(Invoke-Crawl "$($web.Endpoint)psnt-remote-$PID.html" -Depth 0 -Selector h1)[0]
        Get-NetServer | Stop-NetServer -Confirm:$false
        Remove-Item (Join-Path ([IO.Path]::GetTempPath()) "psnt-remote-$PID.html")
    }

    function ConvertTo-CaseTable($Output) {
        # Pairs each object with the shape that follows it.
        $table = @{}
        for ($i = 0; $i -lt $Output.Count; $i += 2) {
            $shape = $Output[$i + 1]
            $table[$shape.Case] = [pscustomobject]@{ Object = $Output[$i]; TypeNames = $shape.TypeNames -split ','; Properties = @($shape.Properties | ConvertFrom-Json) }
        }
        $table
    }

    $scalar = 'System.String', 'System.Boolean', 'System.Int32', 'System.Int64', 'System.Double', 'System.Decimal', 'System.DateTime', 'System.Guid', 'System.TimeSpan'

    function Assert-Survived($Entry) {
        $after = $Entry.Object
        # Jobs and remoting add where each object came from.
        $added = 'PSComputerName', 'RunspaceId', 'PSShowComputerName', 'PSSourceJobInstanceId'
        # Type names: every name of the original, prefixed.
        @($after.PSObject.TypeNames) | Should -Be @($Entry.TypeNames | ForEach-Object { "Deserialized.$_" })
        # Every property is there, in the same order.
        @($after.PSObject.Properties.Name | Where-Object { $_ -notin $added }) | Should -Be @($Entry.Properties.Name)
        foreach ($p in $Entry.Properties) {
            $value = $after.PSObject.Properties[$p.Name].Value
            if ($null -eq $p.Type) { $value | Should -BeNullOrEmpty -Because "$($p.Name) was null"; continue }
            if ($p.IsEnum) {
                # Enums arrive as their names: what users compare with ('Open', 'Running').
                "$value" | Should -Be $p.Text -Because "$($p.Name) was the $($p.Type) $($p.Text)"
            }
            elseif ($p.Type -in $scalar) {
                $value.GetType().FullName | Should -Be $p.Type -Because "$($p.Name) was a $($p.Type)"
                "$value" | Should -Be $p.Text -Because "$($p.Name) was '$($p.Text)'"
            }
        }
    }

    function Assert-NestedRecords($Cases) {
        # What Invoke-Scrape help shows and Invoke-Crawl help Example 3 reads ($_.Items.Text), through serialization.
        $links = $Cases.HtmlPage.Object.Links
        @($links).Count | Should -Be 2
        $links[0].Href | Should -BeLike '*/a.html'
        $links[0].Text | Should -Be 'first link'
        $links[1].Text | Should -Be 'second'
        $items = $Cases.CrawlPage.Object.Items
        @($items).Count | Should -Be 1
        $items[0].Tag | Should -Be 'h1'
        $items[0].Text | Should -Be 'up'
    }

    function Get-LostProperty($Entry) {
        # Rich properties that came back as a bare string: the type name or a multi-line dump of the original.
        foreach ($p in $Entry.Properties) {
            if ($null -eq $p.Type -or $p.IsEnum -or $p.Type -in $scalar) { continue }
            $value = $Entry.Object.PSObject.Properties[$p.Name].Value
            if ($value -is [string]) { "$($p.Name) ($($p.Type) -> '$(($value -split "`n")[0].Trim())')" }
            elseif ($p.ElementType -and $p.ElementType -ne 'System.String' -and @($value)[0] -is [string]) { "$($p.Name) (items of $($p.ElementType) -> strings like '$(@($value)[0])')" }
        }
    }
}

AfterAll { Stop-TlsNginx $nginx }

Describe 'Start-Job round trips' {
    BeforeAll {
        $job = Start-Job -ScriptBlock $Producer -ArgumentList $ModulePath, $nginx.SelfSignedPort
        $output = @($job | Receive-Job -Wait -AutoRemoveJob -ErrorVariable jobErrors)
        $cases = ConvertTo-CaseTable $output
    }

    It 'the job ran without errors' {
        $jobErrors | Should -BeNullOrEmpty
        $cases.Keys | Sort-Object | Should -Be ('CrawlPage', 'EchoTest', 'HtmlPage', 'HttpCheck', 'HttpServer', 'NetServer', 'PingSummary', 'PortScan', 'TlsCertificate')
    }

    It '<Case>: properties and scalar values survive, type names are Deserialized.*' -ForEach $Cases {
        Assert-Survived $cases[$Case]
    }

    It '<Case>: no property is reduced to a type name or a dump' -ForEach $Cases {
        if ($SkipReason -and -not $env:PSNT_PESTER_NO_SKIP) { Set-ItResult -Skipped -Because $SkipReason }
        Get-LostProperty $cases[$Case] | Should -BeNullOrEmpty
    }

    It 'nested records keep their properties: link text, matched elements' {
        Assert-NestedRecords $cases
    }

    It 'a server object from the job is a snapshot: Running then, though the job and its server are gone' {
        $cases.NetServer.Object.State | Should -Be 'Running'
        $cases.NetServer.Object.Endpoint | Should -Be "127.0.0.1:$($cases.NetServer.Object.Port)"
        "127.0.0.1:$($cases.NetServer.Object.Port)" | Should -Not -BeReachable -Because 'a server started in a job dies with it'
    }

    It 'the default views apply to the deserialized objects' {
        foreach ($c in $cases.Values) {
            $text = $c.Object | Out-String -Width 200
            $text | Should -Not -Match '(?m)^\w+\s+: ' -Because "$($c.TypeNames[0]) should render with its table view, not as a property list"
        }
    }

    It 'Should -BeReachable reads the deserialized results' {
        $cases.PortScan.Object | Should -BeReachable
        $cases.EchoTest.Object | Should -BeReachable
        $cases.HttpCheck.Object | Should -BeReachable
        $cases.PingSummary.Object | Should -BeReachable
    }
}

Describe 'SSH remoting round trips (sshd on 127.0.0.1)' {
    BeforeAll {
        $sshd = Start-SshdPeer
        $ssh = $sshd.Ssh
        $output = @(Invoke-Command @ssh -ScriptBlock $Producer -ArgumentList $ModulePath, $nginx.SelfSignedPort -ErrorVariable remoteErrors)
        $cases = ConvertTo-CaseTable $output
    }
    AfterAll { Stop-SshdPeer $sshd }

    It 'the remote command ran without errors' {
        $remoteErrors | Should -BeNullOrEmpty
        $cases.Keys | Sort-Object | Should -Be ('CrawlPage', 'EchoTest', 'HtmlPage', 'HttpCheck', 'HttpServer', 'NetServer', 'PingSummary', 'PortScan', 'TlsCertificate')
    }

    It '<Case>: properties and scalar values survive, type names are Deserialized.*' -ForEach $Cases {
        $cases[$Case].Object.PSComputerName | Should -Be '127.0.0.1'
        Assert-Survived $cases[$Case]
    }

    It '<Case>: no property is reduced to a type name or a dump' -ForEach $Cases {
        if ($SkipReason -and -not $env:PSNT_PESTER_NO_SKIP) { Set-ItResult -Skipped -Because $SkipReason }
        Get-LostProperty $cases[$Case] | Should -BeNullOrEmpty
    }

    It 'nested records keep their properties: link text, matched elements' {
        Assert-NestedRecords $cases
    }

    It 'the module works on several remote calls over one session' {
        $session = New-PSSession @ssh
        try {
            Invoke-Command $session { param($m) Import-Module $m } -ArgumentList $ModulePath
            $server = Invoke-Command $session { Start-TcpEchoServer -Port 0 }
            $server.PSObject.TypeNames[0] | Should -BeLike 'Deserialized.*'
            # The server lives in the remote session until stopped there.
            Invoke-Command $session { param($p) Test-TcpEcho 127.0.0.1 -Port $p -Quiet } -ArgumentList $server.Port | Should -BeTrue
            "127.0.0.1:$($server.Port)" | Should -BeReachable
            Invoke-Command $session { Get-NetServer | Stop-NetServer -Confirm:$false }
            "127.0.0.1:$($server.Port)" | Should -Not -BeReachable
        }
        finally { $session | Remove-PSSession }
    }
}
