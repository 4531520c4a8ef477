#requires -Version 7.4
<#
.SYNOPSIS
    Runs the Pester 5 suite (tests/Pester/*.Tests.ps1) in this pwsh against the built module out/PSNetTools.
.DESCRIPTION
    tests/PSNetTools.Tests/PesterSuiteTests.cs runs it once per file as part of `dotnet test`, inside the loopback-only
    namespace of tests/peers/hostile/isolated_net.sh; by hand:
        sudo bash tests/peers/hostile/isolated_net.sh /tmp/dns.log ~/.dotnet/tools/pwsh -NoProfile -File tests/Pester/run.ps1
    Exits with the number of failed tests, blocks and containers (0: all passed) and ends with a summary of each failure.
    Tests of what is known to fail today are reported as skipped with the issue item that fixes it; set
    PSNT_PESTER_NO_SKIP=1 to run them anyway (to see whether a fix made them pass, then delete the skip).
.EXAMPLE
    pwsh -NoProfile -File tests/Pester/run.ps1 -Path tests/Pester/Views.Tests.ps1
#>
param(
    [string[]] $Path = (Get-ChildItem $PSScriptRoot -Filter *.Tests.ps1).FullName,
    [ValidateSet('None', 'Normal', 'Detailed', 'Diagnostic')]
    [string] $Verbosity = 'Detailed'
)
$ErrorActionPreference = 'Stop'
# Captured by xunit and CI logs: no ANSI colour codes in the text.
$PSStyle.OutputRendering = 'PlainText'

$nuget = $env:NUGET_PACKAGES ? $env:NUGET_PACKAGES : (Join-Path $HOME '.nuget/packages')
$pester = Join-Path $nuget 'pester/5.9.1/tools/Pester.psd1'
if (-not (Test-Path $pester)) {
    [Console]::Error.WriteLine("Pester 5.9.1 is missing ($pester): run 'sudo bash tests/peers/install.sh' (it restores tests/Pester/restore).")
    exit 250
}
$module = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../out/PSNetTools/PSNetTools.psd1'))
if (-not (Test-Path $module)) {
    [Console]::Error.WriteLine("The built module is missing at ${module}: run 'dotnet build -c Release' first.")
    exit 251
}
# The test files import the module from here (Common.ps1), so a run never picks up another installed PSNetTools.
$env:PSNETTOOLS_TEST_MODULE = $module
Import-Module $pester -Force

$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = $Verbosity
$config.Output.RenderMode = 'Plaintext'
$result = Invoke-Pester -Configuration $config

# Pester prints each failure where it happens; repeat them at the end so a long log shows at once what failed and why.
$failed = @($result.Failed) + @($result.FailedBlocks) + @($result.FailedContainers)
if ($failed.Count) {
    Write-Host "`nFailures ($($failed.Count)):"
    foreach ($f in $failed) {
        $name = if ($f.ExpandedPath) { $f.ExpandedPath } elseif ($f.Path) { $f.Path -join '.' } else { "$($f.Item)" }
        Write-Host "- ${name}"
        foreach ($e in $f.ErrorRecord) { Write-Host "    $($e.DisplayErrorMessage ?? $e.Exception.Message)" }
    }
}
Write-Host ("Pester: {0} passed, {1} failed, {2} skipped, {3} not run in {4:n1} s" -f $result.PassedCount, $result.FailedCount, $result.SkippedCount, $result.NotRunCount, $result.Duration.TotalSeconds)
exit ($result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount)
