#requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests or packages PSNetTools. Every task runs the same dotnet commands as the README, so nothing here is
    needed to build: `dotnet build -c Release` alone produces out/PSNetTools.
.EXAMPLE
    ./build.ps1                 # build out/PSNetTools
.EXAMPLE
    ./build.ps1 -Task Test      # build, install the test peers (Linux, root) and run every test
.EXAMPLE
    ./build.ps1 -Task Package   # out/PSNetTools.<version>.nupkg, what Publish-PSResource would push
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package')]
    [string] $Task = 'Build',
    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release'
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

function Invoke-Native([string] $File, [string[]] $Arguments) {
    Write-Host "> $File $($Arguments -join ' ')" -ForegroundColor Cyan
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$File exited with $LASTEXITCODE" }
}

Invoke-Native dotnet @('build', '-c', $Configuration)

switch ($Task) {
    'Test' {
        if ($IsLinux -and (Test-Path tests/peers/install.sh)) { Invoke-Native bash @('tests/peers/install.sh') }
        Invoke-Native dotnet @('test', 'PSNetTools.sln', '-c', $Configuration, '--no-build')
    }
    'Package' {
        # Same command as the README: the .nupkg Publish-PSResource would push, built by dotnet alone.
        Invoke-Native dotnet @('pack', 'tools/Package', '-c', $Configuration)
        Get-ChildItem out/PSNetTools.*.nupkg | Sort-Object LastWriteTime | Select-Object -Last 1
    }
}
