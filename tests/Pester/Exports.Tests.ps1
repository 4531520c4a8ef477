# What users export: every output type through Export-Csv -> Import-Csv, ConvertTo-Json -Depth 5 and Select-Object *.
# The contract (issue 12 item 1): every value Export-Csv writes is a scalar or a readable joined string, never a .NET
# type name or a multi-line dump; rich objects (certificates, tasks, raw bytes) stay out of what the three write, and
# enums are written as their names. The objects are the realistic samples the view tests use (Samples.ps1).
BeforeDiscovery {
    # Every type a cmdlet declares in [OutputType] (the Exports test below checks this list against the module), the
    # abstract NetServer through each server kind.
    $script:Types = foreach ($type in 'PortScanResult', 'PingSummary', 'PingReply', 'EchoTestResult', 'MessageReply', 'HttpCheckResult',
        'HttpCheckSummary', 'TlsCertificateInfo', 'HtmlPage', 'ScrapedElement', 'CrawlPage', 'GrpcMethodInfo', 'GrpcHealthResult', 'GrpcCallResult', 'GrpcStreamSession',
        'WebSocketSession', 'WebSocketExchange', 'WebSocketMessage', 'SentMail', 'ReceivedMessage', 'ImapFolderInfo',
        'TcpEchoServer', 'UdpEchoServer', 'HttpFileServer', 'RouteServer', 'WebSocketEchoServer', 'XmlRpcServer') {
        @{ Type = $type }
    }
}

BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/Samples.ps1
    $samples = New-OutputSampleSet -Directory $TestDrive

    function Get-TypeNameValue([object[]] $Rows) {
        # "Name = value" for every value that reads as a .NET type name or an object dump, e.g. System.Byte[],
        # System.Threading.Tasks.Task, System.Collections.Generic.List`1[...], <>z__ReadOnlyList`1[System.String],
        # PSNetTools.Scraping.PageLink, or an X509 certificate's "[Subject]" dump.
        foreach ($row in $Rows) {
            foreach ($p in $row.PSObject.Properties) {
                $text = "$($p.Value)"
                if ($text -match '^(System|Microsoft|PSNetTools)\.\w' -or $text -match '`\d' -or $text.Contains('[]') -or $text.StartsWith('<>') -or
                    $text -match '(?m)^\s*\[(Subject|Issuer|Serial Number|Version)\]' -or $text -match '^@\{') {
                    "$($p.Name) = $(($text -split "`n")[0].Trim())"
                }
            }
        }
    }

    function Get-RichValue($Node, [string] $Path = '') {
        # Paths of JSON values that are not data: enums as numbers (checked against the object), raw bytes (arrays of
        # small integers), serialized tasks and certificates (their tell-tale members).
        if ($Node -is [Collections.IList]) {
            if ($Node.Count -gt 4 -and @($Node | Where-Object { $_ -is [long] -and $_ -ge 0 -and $_ -le 255 }).Count -eq $Node.Count) { "$Path (bytes)" }
            for ($i = 0; $i -lt $Node.Count; $i++) { Get-RichValue $Node[$i] "$Path[$i]" }
        }
        elseif ($Node -is [Collections.IDictionary]) {
            foreach ($key in $Node.Keys) {
                if ($key -in 'RawData', 'IsCompleted', 'AsyncState', 'CreationOptions', 'Handle', 'PublicKey', 'Extensions', 'ChainElements') { "$Path.$key" }
                Get-RichValue $Node[$key] "$Path.$key"
            }
        }
    }

    function Get-EnumAsNumber($Object, $Json) {
        # Properties the object holds as an enum whose JSON value is not the name.
        $back = $Json | ConvertFrom-Json -AsHashtable
        foreach ($p in $Object.PSObject.Properties) {
            if ($p.Value -is [enum] -and "$($back[$p.Name])" -ne "$($p.Value)") { "$($p.Name) = $($back[$p.Name]) (the name is $($p.Value))" }
        }
    }
}

AfterAll { Stop-OutputSamplePeers }

Describe 'Exports of <Type>' -ForEach $Types {
    BeforeAll {
        $objects = @($samples[$Type])
        $csvFile = Join-Path $TestDrive "$Type.csv"
    }

    It 'has samples' {
        $objects.Count | Should -BeGreaterThan 0 -Because "the suite produces $Type on loopback"
        $objects[0].GetType().Name | Should -Be $Type
    }

    It 'Export-Csv writes scalars and readable text, no type names' {
        $objects | Export-Csv $csvFile
        $rows = @(Import-Csv $csvFile)
        $rows.Count | Should -Be $objects.Count
        # The same columns as the object's properties, so nothing rich is written under another name either.
        @($rows[0].PSObject.Properties.Name) | Should -Be @($objects[0].PSObject.Properties.Name)
        Get-TypeNameValue $rows | Should -BeNullOrEmpty -Because "Export-Csv of $Type should write readable values"
    }

    It 'ConvertTo-Json -Depth 5 writes data only: enum names, no bytes, tasks or certificates, small' {
        foreach ($object in $objects) {
            $json = $object | ConvertTo-Json -Depth 5 -Compress -WarningAction Ignore
            $json.Length | Should -BeLessThan 20KB -Because "one $Type is a few fields, not a dump"
            Get-EnumAsNumber $object $json | Should -BeNullOrEmpty -Because 'enums should be written as their names'
            Get-RichValue ($json | ConvertFrom-Json -AsHashtable -Depth 10) | Should -BeNullOrEmpty -Because "the JSON of $Type should hold data, not objects:`n$($json.Substring(0, [Math]::Min(400, $json.Length)))"
            # Type names inside the JSON, at any depth (a list flattened to its type name, a record to its ToString).
            $json | Should -Not -Match '"(System|Microsoft|PSNetTools)\.\w+[^"]*"' -Because 'no value is a type name'
        }
    }

    It 'Select-Object * holds the same: readable in CSV, data in JSON' {
        $selected = @($objects | Select-Object *)
        Get-TypeNameValue @($selected | ConvertTo-Csv | ConvertFrom-Csv) | Should -BeNullOrEmpty
        foreach ($i in 0..($selected.Count - 1)) {
            $json = $selected[$i] | ConvertTo-Json -Depth 5 -Compress -WarningAction Ignore
            $json.Length | Should -BeLessThan 20KB
            Get-EnumAsNumber $selected[$i] $json | Should -BeNullOrEmpty
            Get-RichValue ($json | ConvertFrom-Json -AsHashtable -Depth 10) | Should -BeNullOrEmpty
        }
    }
}

Describe 'Exports cover the module' {
    It 'every type a cmdlet declares as output has a sample here' -TestCases @{ Covered = @($Types.Type) + 'NetServer' } {
        $declared = Get-Command -Module PSNetTools | ForEach-Object OutputType | ForEach-Object { $_.Type } | Where-Object { $_ -and $_.Namespace -like 'PSNetTools*' } |
            ForEach-Object Name | Sort-Object -Unique
        $declared | Where-Object { $_ -notin $Covered } | Should -BeNullOrEmpty
    }
}

Describe 'Rich parts are still there for those who ask' {
    It 'a certificate and its chain: GetCertificate() and GetChain()' {
        $tls = @($samples.TlsCertificateInfo)[0]
        $tls.GetCertificate().Thumbprint | Should -Be $tls.Thumbprint
        @($tls.GetChain()).Count | Should -BeGreaterThan 0
        @($tls.GetChain())[0].Thumbprint | Should -Be $tls.Thumbprint
    }

    It 'raw bytes: GetBytes() and GetData()' {
        [Text.Encoding]::UTF8.GetString(@($samples.MessageReply)[0].GetBytes()) | Should -Be 'hello'
        [Text.Encoding]::UTF8.GetString(@($samples.WebSocketMessage)[0].GetData()) | Should -Be 'one'
        [Text.Encoding]::UTF8.GetString(@($samples.WebSocketExchange)[0].GetReceivedData()) | Should -Be 'hello'
    }

    It 'lists stay lists of records, and read as text in a CSV' {
        $page = @($samples.HtmlPage)[0]
        $page.Links[0].Text | Should -Be 'About us'
        $page.Links.Count | Should -Be 2
        $row = $page | ConvertTo-Csv | ConvertFrom-Csv
        $row.Links | Should -Be ($page.Links.Href -join '; ')
        $row.Headings | Should -Be 'h1: Welcome; h2: News'
        @($samples.CrawlPage)[0].Items[0].Text | Should -Be 'Welcome'
    }

    It 'state and status are names' {
        @($samples.PortScanResult)[0].State | Should -BeOfType [string]
        @($samples.PortScanResult).State | Sort-Object | Should -Be 'Closed', 'Open'
        @($samples.NetServer)[0].State | Should -Be 'Running'
        @($samples.PingReply)[0].Status | Should -Be 'Success'
        @($samples.SentMail)[0].Security | Should -Be 'None'
    }
}
