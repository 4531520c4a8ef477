# -WhatIf and -Confirm on what changes the machine: starting a server opens a port others may reach (every interface
# with -Address 0.0.0.0), stopping one closes it, sending mail cannot be taken back. -WhatIf says what would happen and
# does nothing; the "What if:" line goes to the host, so it is read from a child pwsh's output.
BeforeAll {
    . $PSScriptRoot/Common.ps1
    $pwsh = Join-Path $PSHOME pwsh
    function Invoke-Child([string] $Script) {
        & $pwsh -NoProfile -NonInteractive -Command "Import-Module '$ModulePath'; $Script" 2>&1 | ForEach-Object { "$_" }
    }
}

Describe 'Start-*Server -WhatIf' {
    It '<Command> says what it would start and starts nothing' -ForEach @(
        @{ Command = 'Start-TcpEchoServer'; Arguments = '-Port 0'; What = 'Start a TCP echo server'; Target = '127.0.0.1:(a free port)' }
        @{ Command = 'Start-UdpEchoServer'; Arguments = '-Address ::1 -Port 0'; What = 'Start a UDP echo server'; Target = '[::1]:(a free port)' }
        @{ Command = 'Start-HttpServer'; Arguments = "-Port 5000 -Route @{ 'GET /' = { 1 } }"; What = 'Start an HTTP server'; Target = '127.0.0.1:5000' }
        @{ Command = 'Start-HttpFileServer'; Arguments = '-Path . -Address 0.0.0.0 -Port 8000 -Name files'; What = "Start an HTTP file server 'files'"; Target = '0.0.0.0:8000, every interface' }
        @{ Command = 'Start-XmlRpcServer'; Arguments = '-Port 0 -Method @{ add = { param($a, $b) $a + $b } }'; What = 'Start an XML-RPC server'; Target = '127.0.0.1:(a free port)' }
        @{ Command = 'Start-WebSocketEchoServer'; Arguments = '-Port 0'; What = 'Start a WebSocket echo server'; Target = '127.0.0.1:(a free port)' }
    ) {
        $lines = Invoke-Child "`$s = $Command $Arguments -WhatIf; 'output:' + @(`$s).Count; 'servers:' + @(Get-NetServer).Count"
        $lines | Should -Contain "What if: Performing the operation `"$What`" on target `"$Target`"."
        $lines | Should -Contain 'output:0'
        $lines | Should -Contain 'servers:0'
    }

    It 'runs as before without -WhatIf, and $WhatIfPreference is honoured like the switch' {
        $lines = Invoke-Child "`$s = Start-TcpEchoServer -Port 0; `$s.State; `$s | Stop-NetServer; `$WhatIfPreference = `$true; Start-TcpEchoServer -Port 0; 'servers:' + @(Get-NetServer).Count"
        $lines[0] | Should -Be 'Running'
        $lines | Should -Contain 'What if: Performing the operation "Start a TCP echo server" on target "127.0.0.1:(a free port)".'
        $lines | Should -Contain 'servers:0'
    }
}
