# The default view of every output type the module produces on loopback, as an 80-column terminal (or `pwsh -c`
# redirected) shows it: `Out-String -Width 79`. The console host formats to one column less than its width (measured:
# at 80 columns a table whose last column is auto-sized gets what Out-String -Width 79 gives it, and `Out-String
# -Width 80` hid a WebSocketExchange view whose Type column read "Te…"). Each table must keep a one-line header (PowerShell wraps a header
# that does not fit its column, letter by letter) and show its key columns whole (not dropped for lack of room, not
# cut with '…'). Views that fail today are reported as skipped with the reason (issue 12 item 4 fixes them); set
# PSNT_PESTER_NO_SKIP=1 to run them anyway, and delete the entry below once a view passes.
BeforeDiscovery {
    # Views known to fail, by type: @{ Header = '<issue item>: <what fails>'; Columns = '...' }. None at present
    # (issue 12 item 4 fixed the last nine).
    $known = @{}
    # Key columns: properties (alternatives with |) whose column must be in the 80-column table, whole.
    $keys = [ordered]@{
        PortScanResult     = 'ComputerName', 'Port', 'State', 'LatencyMs'
        PingSummary        = 'ComputerName', 'LossPercent', 'AvgMs', 'MaxMs', 'Status'
        PingReply          = 'ComputerName', 'Status', 'RoundTripMs'
        NetServer          = 'Name', 'Protocol', 'Endpoint', 'State'
        EchoTestResult     = 'ComputerName', 'Port', 'Received', 'AvgMs', 'MaxMs'
        MessageReply       = 'ComputerName', 'Port', 'Text'
        HttpCheckResult    = 'Uri', 'StatusCode', 'TotalMs', 'Error'
        HttpCheckSummary   = 'Uri', 'ErrorCount', 'P95Ms', 'MaxMs', 'StatusCodes'
        TlsCertificateInfo = 'ComputerName', 'Port', 'Subject', 'DaysUntilExpiry', 'IsTrusted', 'HostnameMatches|NameOK', 'ChainErrors'
        HtmlPage           = 'Uri', 'StatusCode', 'Title'
        ScrapedElement     = 'Tag', 'Text'
        CrawlPage          = 'Uri', 'StatusCode'
        GrpcMethodInfo     = 'Name', 'Kind', 'RequestType'
        GrpcHealthResult   = 'Address', 'Service', 'Status'
        GrpcCallResult     = 'Method', 'Status', 'ResponseCount'
        WebSocketSession   = 'Id', 'Uri', 'State'
        WebSocketExchange  = 'Index', 'Sent', 'Received', 'MessageType'
        WebSocketMessage   = 'Index', 'Text'
        SentMail           = 'To', 'Subject', 'Security', 'SizeBytes'
        ReceivedMessage    = 'From', 'Subject', 'SizeBytes', 'IsRead', 'AttachmentCount|HasAttachments'
        ImapFolderInfo     = 'Name', 'Total', 'Unread', 'Subfolders'
    }
    $script:Views = foreach ($type in $keys.Keys) {
        @{ Type = $type; Keys = $keys[$type]; HeaderSkip = $known[$type].Header; KeysSkip = $known[$type].Columns }
    }
}

BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/Samples.ps1
    $samples = New-OutputSampleSet -Directory $TestDrive

    function Get-TableView($InputObject) {
        # The table view PowerShell picks for the object: the first of its type names that has one.
        foreach ($name in $InputObject.PSObject.TypeNames) {
            $view = @(Get-FormatData -TypeName $name -ErrorAction Ignore) | ForEach-Object FormatViewDefinition |
                Where-Object { $_.Control -is [System.Management.Automation.TableControl] } | Select-Object -First 1
            if ($view) { return $view.Control }
        }
    }

    function Get-ColumnLabel($Control, [string] $Property) {
        # The header label of the view's column showing Property (by name, or a script block that reads it).
        for ($i = 0; $i -lt $Control.Rows[0].Columns.Count; $i++) {
            $entry = $Control.Rows[0].Columns[$i].DisplayEntry
            $label = $Control.Headers[$i].Label
            if (($entry.ValueType -eq 'Property' -and $entry.Value -eq $Property) -or
                ($entry.ValueType -eq 'ScriptBlock' -and $entry.Value -match "\b$Property\b") -or $label -eq $Property) {
                return $label ? $label : $entry.Value
            }
        }
    }

    function Read-Table([string] $Text) {
        # Header lines, columns and data rows of the first table in Text. A column is located by its run of dashes
        # (as long as its label, or as the column when the label wrapped); its cells can reach to the neighbours' runs.
        $lines = $Text -split '\r?\n'
        $sep = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match '-' -and $l -match '^[\s-]+$' })
        if ($sep -lt 1) { throw "no table in:`n$Text" }
        $start = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l.Trim() })
        $header = @($lines[$start..($sep - 1)])
        $runs = @([regex]::Matches($lines[$sep], '-+'))
        $columns = for ($i = 0; $i -lt $runs.Count; $i++) {
            $m = $runs[$i]
            $label = ($header | ForEach-Object { if ($_.Length -gt $m.Index) { $_.Substring($m.Index, [Math]::Min($m.Length, $_.Length - $m.Index)).Trim() } }) -join ''
            # Left-aligned cells start at the run and may reach the next run; right-aligned ones end with the run and
            # may reach back to the previous one.
            [pscustomobject]@{ Label = $label
                Left = @($m.Index, $(if ($i + 1 -lt $runs.Count) { $runs[$i + 1].Index - 1 } else { [int]::MaxValue }))
                Right = @($(if ($i) { $runs[$i - 1].Index + $runs[$i - 1].Length } else { 0 }), ($m.Index + $m.Length)) }
        }
        [pscustomobject]@{ HeaderLines = $header; Columns = @($columns); Rows = @($lines[($sep + 1)..($lines.Count - 1)] | Where-Object { $_.Trim() }); Lines = $lines }
    }

    function Test-Cut($Table, $Column, $Value) {
        # Whether the table (one object's rows) shows the value cut. A view may wrap a long cell onto the next lines,
        # so the cell is the column's text on every line, joined. A string must appear whole in it (its first 40
        # characters if longer: no table shows a long error whole); anything else must not be cut with '…'.
        $left = ''; $right = ''
        foreach ($line in $Table.Rows) {
            $cell = { param($span) if ($line.Length -gt $span[0]) { $line.Substring($span[0], [Math]::Min($span[1], $line.Length) - $span[0]) } else { '' } }
            $left += (& $cell $Column.Left).Trim() + ' '
            $right += (& $cell $Column.Right).Trim() + ' '
        }
        if ($Value -is [string]) {
            if (-not $Value) { return $false }
            # Wrapping breaks at spaces or anywhere: compare without whitespace.
            $whole = $Value.Substring(0, [Math]::Min(40, $Value.Length)) -replace '\s'
            return -not (($left -replace '\s').Contains($whole) -or ($right -replace '\s').Contains($whole))
        }
        $right.Contains('…') -or (($left.Trim() -split '\s+')[0]).Contains('…')
    }
}

AfterAll { Stop-OutputSamplePeers }

Describe 'Default view of <Type> at 80 columns' -ForEach $Views {
    BeforeAll {
        $objects = @($samples[$Type])
        $text = $objects | Out-String -Width 79
        $table = Read-Table $text
        $control = Get-TableView $objects[0]
    }

    It 'has samples and a table view' {
        $objects.Count | Should -BeGreaterThan 0 -Because "the suite produces $Type on loopback"
        $control | Should -Not -BeNullOrEmpty -Because "$($objects[0].PSObject.TypeNames[0]) should have a default table view"
    }

    It 'has a one-line header' {
        if ($HeaderSkip -and -not $env:PSNT_PESTER_NO_SKIP) { Set-ItResult -Skipped -Because $HeaderSkip }
        $table.HeaderLines.Count | Should -Be 1 -Because "a wrapped header is unreadable:`n$text"
        $table.HeaderLines[0] | Should -Not -Match '…' -Because "no header is cut:`n$text"
        $table.Lines | Where-Object Length -GT 79 | Should -BeNullOrEmpty
    }

    It 'shows its key columns (<Keys>) whole' {
        if ($KeysSkip -and -not $env:PSNT_PESTER_NO_SKIP) { Set-ItResult -Skipped -Because $KeysSkip }
        foreach ($key in $Keys) {
            $labels = foreach ($p in $key -split '\|') { Get-ColumnLabel $control $p }
            $labels | Should -Not -BeNullOrEmpty -Because "the view of $Type should have a column for $key"
            $column = $table.Columns | Where-Object { ($_.Label -replace '\s') -in @($labels -replace '\s') } | Select-Object -First 1
            $column | Should -Not -BeNullOrEmpty -Because "the $($labels -join '/') column ($key) should fit in 80 columns:`n$text"
            $property = @($key -split '\|' | Where-Object { $null -ne $objects[0].PSObject.Properties[$_] })[0]
            $cut = for ($row = 0; $row -lt $objects.Count; $row++) {
                # Each object alone: the views have fixed widths, so its rows are the same as in the whole table, and
                # the lines a wrapped cell continues on are its own.
                $single = Read-Table ($objects[$row] | Out-String -Width 79)
                $value = $objects[$row].$property
                if (Test-Cut $single $single.Columns[[array]::IndexOf($table.Columns, $column)] $value) { "$value" }
            }
            $cut | Should -BeNullOrEmpty -Because "$key should be shown whole:`n$text"
        }
    }
}
