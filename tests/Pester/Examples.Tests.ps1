# Every help example runs as written against loopback peers (issue 12 item 5). An example may carry, after its code
# block, lines the help leaves out:
#   <!-- setup: PowerShell -->   run first, in the same runspace (start the server the example talks to, write its file)
#   <!-- expect errors: Id, Id --> the example shows a failure: it must write exactly these error ids, in order
#   <!-- not run: reason -->     it cannot run here (a host of the reader's network, Ctrl+C, a browser): reported as
#                                skipped with the reason. A peer the suite can start is started by a setup line
#                                instead (Common.ps1 has the peers examples name by their fixed ports), so a
#                                "not run yet:" mark fails the suite.
# Each example runs in its own runspace with the module, in an empty directory, in strict mode, and must write no error
# within 90 s.
BeforeDiscovery {
    $repo = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
    $examples = foreach ($page in Get-ChildItem (Join-Path $repo 'docs/cmdlets') -Filter *.md) {
        $text = (Get-Content $page.FullName -Raw) -replace "`r", ''
        $section = $text.Substring($text.IndexOf('## EXAMPLES'))
        $section = $section.Substring(0, $section.IndexOf("`n## PARAMETERS"))
        foreach ($m in [regex]::Matches($section, '(?ms)^### (Example \d+[^\n]*)\n```powershell\n(.*?)\n```(.*?)(?=^### |\z)')) {
            $after = $m.Groups[3].Value
            @{
                Cmdlet = $page.BaseName
                Title  = $m.Groups[1].Value.Trim()
                Code   = $m.Groups[2].Value
                Setup  = @([regex]::Matches($after, '<!-- setup: (.*?) -->') | ForEach-Object { $_.Groups[1].Value })
                NotRun = ([regex]::Match($after, '<!-- (not run: .*?) -->')).Groups[1].Value
                Expect = @(([regex]::Match($after, '<!-- expect errors: (.*?) -->')).Groups[1].Value -split ',\s*' | Where-Object { $_ })
            }
        }
    }
}

BeforeAll {
    . $PSScriptRoot/Common.ps1
}

Describe 'Help pages' {
    It 'run every example they can: none is marked "not run yet"' {
        $pending = Get-ChildItem (Join-Path $RepoRoot 'docs/cmdlets') -Filter *.md | Select-String 'not run yet' |
            ForEach-Object { "$($_.Filename):$($_.LineNumber): $($_.Line.Trim())" }
        $pending | Should -BeNullOrEmpty -Because 'an example whose peer the suite can start gets a setup line, one that cannot run says why with "not run:"'
    }
}

Describe '<Cmdlet> help' -ForEach $examples {
    It '<Title>' {
        if ($NotRun) {
            $NotRun | Should -Match '^not run: \S.{10,}' -Because 'a skipped example says why'
            Set-ItResult -Skipped -Because $NotRun
            return
        }
        $work = Join-Path ([IO.Path]::GetTempPath()) "psnt-example-$PID-$(Get-Random)"
        New-Item -ItemType Directory $work | Out-Null
        try {
            # Common.ps1 imports the built module and gives setup lines Start-TestPeer.
            # Strict mode, as careful users run: a property an example names that the output does not have (one
            # renamed, or moved behind a method) is an error instead of a silent $null.
            $script = ". '$PSScriptRoot/Common.ps1'`n" + (($Setup + 'Set-StrictMode -Version Latest' + $Code) -join "`n")
            $run = Invoke-InNewRunspace $script -Variable @{ RepoRoot = $RepoRoot } -Location $work
            if ($Expect) {
                @($run.Errors | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) | Should -Be $Expect -Because "the example shows these failures: $Code"
            }
            else {
                @($run.Errors | ForEach-Object { "$_" }) | Should -BeNullOrEmpty -Because "the example runs as written: $Code"
            }
        }
        finally {
            Remove-Item -Recurse -Force $work -ErrorAction Ignore
        }
    }
}
