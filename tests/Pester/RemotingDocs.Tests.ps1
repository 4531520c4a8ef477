# The examples of docs/remoting.md, run as written (issue 12: a page on remoting, jobs and -Parallel whose examples the
# suite runs). `Import-Module PSNetTools` in them loads the built module: jobs and -Parallel find it on PSModulePath,
# the SSH session by its path (the remote pwsh has its own module path).
BeforeDiscovery {
    $repo = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
    $text = (Get-Content (Join-Path $repo 'docs/remoting.md') -Raw) -replace "`r", ''
    $blocks = @([regex]::Matches($text, '(?ms)^```powershell\n(.*?)\n```') | ForEach-Object { @{ Code = $_.Groups[1].Value; Name = ($_.Groups[1].Value -split "`n")[0] } })
}

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $sshd = Start-SshdPeer
    $env:PSModulePath = (Split-Path (Split-Path $ModulePath)) + [IO.Path]::PathSeparator + $env:PSModulePath
}

AfterAll {
    Stop-SshdPeer $sshd
}

Describe 'docs/remoting.md' {
    It '<Name>' -ForEach $blocks {
        $code = $Code.Replace('Import-Module PSNetTools', "Import-Module '$ModulePath'")
        $run = Invoke-InNewRunspace "Import-Module '$ModulePath'`n$code" -Variable @{ ssh = $sshd.Ssh } -TimeoutSec 120
        $output = $run.Output
        @($run.Errors | ForEach-Object { "$_" }) | Should -BeNullOrEmpty -Because "the page's example runs as written: $Code"
        $output | Should -Not -BeNullOrEmpty -Because 'each example shows a result'
        # What the page says the examples give.
        if ($Code -match 'pstypenames') { $output[0] | Should -Be 'Deserialized.PSNetTools.Scanning.PortScanResult'; $output[1] | Should -Be 'Open' }
        if ($Code -match 'GetBytes') { $output -join ',' | Should -Be '1,2,3' }
        if ($Code -match 'Start-XmlRpcServer') { $output[-1] | Should -Be 5 }
        if ($Code -match 'Test-TcpEcho|Test-UdpEcho') { $output | Where-Object { $_ -is [bool] } | ForEach-Object { $_ | Should -BeTrue } }
    }
}
