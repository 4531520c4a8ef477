# Help as users read it in real pwsh (issue 12 item 5): SYNTAX lists every parameter set Get-Command binds, examples
# render with their titles on their own lines, and Get-Help -Online opens the page the help was generated from.
BeforeDiscovery {
    . $PSScriptRoot/Common.ps1
    $cmdlets = @(Get-Command -Module PSNetTools -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
}

Describe 'Get-Help <Name>' -ForEach $cmdlets {
    It 'SYNTAX has the parameter sets of Get-Command -Syntax' {
        $fromHelp = @((Get-Help $Name).syntax.syntaxItem | ForEach-Object {
                (@($_.parameter | ForEach-Object { $_.name } | Where-Object { $_ -notin $common }) | Sort-Object) -join ','
            }) | Sort-Object
        $fromCommand = @((Get-Command $Name).ParameterSets | ForEach-Object {
                (@($_.Parameters | ForEach-Object Name | Where-Object { $_ -notin $common }) | Sort-Object) -join ','
            }) | Sort-Object
        $fromHelp | Should -Be $fromCommand -Because "Get-Help $Name must show each way the cmdlet can be called"
    }

    It 'examples render with each title on its own line' {
        $text = Get-Help $Name -Examples | Out-String -Width 200
        $lines = $text -split "`r?`n"
        $titles = @($lines | Where-Object { $_ -match '-{10} Example' })
        $titles.Count | Should -BeGreaterOrEqual 2
        # A title glued to the remark above it, or indented by an empty remark, was how examples without text rendered.
        $titles | ForEach-Object { $_ | Should -Match '^    -{26} Example \d+' }
        for ($i = 1; $i -lt $lines.Count; $i++) {
            if ($lines[$i] -match '-{10} Example \d+' -and $lines[$i] -notmatch 'Example 1:') {
                $lines[$i - 1].Trim() | Should -BeNullOrEmpty -Because "the line before '$($lines[$i].Trim())' separates it from the previous example"
            }
        }
    }

    It 'Get-Help -Online opens the page of the cmdlet' {
        # Get-Help -Online hands the URI to the desktop's opener (xdg-open on Linux): a stand-in records it.
        $bin = Join-Path ([System.IO.Path]::GetTempPath()) "psnt-online-$PID"
        New-Item -ItemType Directory -Force $bin | Out-Null
        $record = Join-Path $bin 'opened.txt'
        Set-Content (Join-Path $bin 'xdg-open') "#!/bin/sh`necho `"`$1`" > '$record'`n"
        chmod +x (Join-Path $bin 'xdg-open')
        $path = $env:PATH
        try {
            $env:PATH = "$bin$([System.IO.Path]::PathSeparator)$path"
            Remove-Item $record -ErrorAction SilentlyContinue
            Get-Help $Name -Online
            # The opener runs as its own process: on a loaded machine it may take seconds to write the file.
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not ((Test-Path $record) -and (Get-Content $record -Raw)) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            $record | Should -Exist -Because 'Get-Help -Online starts the opener with the URI'
            "$(Get-Content $record -Raw)".Trim() | Should -Be "https://github.com/psnettools/PSNetTools/blob/main/docs/cmdlets/$Name.md"
        }
        finally {
            $env:PATH = $path
            Remove-Item -Recurse -Force $bin -ErrorAction SilentlyContinue
        }
    }
}
