# Dot-sourced by every *.Tests.ps1 in BeforeAll: imports the built module and gives the tests their loopback peers.
# Only test plumbing lives here (free ports, third-party peer processes, certificates); the tests themselves are written
# the way a user writes infrastructure tests.
$script:RepoRoot = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
$script:ModulePath = $env:PSNETTOOLS_TEST_MODULE ? $env:PSNETTOOLS_TEST_MODULE : (Join-Path $RepoRoot 'out/PSNetTools/PSNetTools.psd1')
if (-not (Test-Path $ModulePath)) { throw "The built module is missing at ${ModulePath}: run 'dotnet build -c Release' first." }
# -Force: Pester is loaded by now, so the module registers its Should operators even if it was imported before.
Import-Module $ModulePath -Force

# Ports a peer must bind come from below the kernel's ephemeral range (32768-60999), where no server started on port 0
# and no client's source port can take them before the peer binds; a random start keeps processes apart (the xunit
# projects do the same: tests/Shared/Loopback.cs).
$script:NextPeerPort = Get-Random -Maximum 12000
function Get-FreeTcpPort {
    for ($attempt = 0; $attempt -lt 12000; $attempt++) {
        $port = 20000 + (++$script:NextPeerPort % 12000)
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, $port)
        try { $listener.Start(); return $port } catch [Net.Sockets.SocketException] { } finally { $listener.Stop() }
    }
    throw 'no free TCP port in 20000-31999'
}

# Bound but never listening: connects are refused for the whole run, and no server started later (nor a client's
# ephemeral port) can take the port, which a port released by Get-FreeTcpPort allows under load.
$script:HeldClosedPorts = [Collections.Generic.List[Net.Sockets.Socket]]::new()
function Get-ClosedTcpPort {
    $socket = [Net.Sockets.Socket]::new([Net.Sockets.AddressFamily]::InterNetwork, [Net.Sockets.SocketType]::Stream, [Net.Sockets.ProtocolType]::Tcp)
    $socket.Bind([Net.IPEndPoint]::new([Net.IPAddress]::Loopback, 0))
    $script:HeldClosedPorts.Add($socket)
    $socket.LocalEndPoint.Port
}

function Wait-TcpPort([int] $Port, [double] $TimeoutSec = 15, [string] $Address = '127.0.0.1') {
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while ([DateTime]::UtcNow -lt $deadline) {
        $client = [Net.Sockets.TcpClient]::new()
        try { $client.Connect($Address, $Port); return } catch { Start-Sleep -Milliseconds 100 } finally { $client.Dispose() }
    }
    throw "nothing listened on ${Address}:$Port after $TimeoutSec s"
}

function Start-TestPeer {
    # A third-party peer as a child process, ready when its TCP port accepts. A missing program fails the test with the
    # install step (the suite never skips for want of a peer).
    param([string] $FilePath, [string[]] $ArgumentList, [int] $Port, [string] $WorkingDirectory = $RepoRoot, [double] $TimeoutSec = 15)
    if (-not (Get-Command $FilePath -ErrorAction Ignore)) { throw "$FilePath is missing: run 'sudo bash tests/peers/install.sh'." }
    $log = Join-Path ([IO.Path]::GetTempPath()) "psnt-pester-$([IO.Path]::GetFileName($FilePath))-$Port"
    $process = Start-Process $FilePath -ArgumentList $ArgumentList -WorkingDirectory $WorkingDirectory -PassThru `
        -RedirectStandardOutput "$log.out" -RedirectStandardError "$log.err"
    try { Wait-TcpPort $Port $TimeoutSec }
    catch {
        $process | Stop-Process -Force -ErrorAction Ignore
        throw "$FilePath $ArgumentList did not listen on port ${Port}: $(Get-Content "$log.err" -Raw -ErrorAction Ignore)"
    }
    $process | Add-Member -NotePropertyName PeerLog -NotePropertyValue $log -PassThru
}

function Stop-TestPeer([Parameter(ValueFromPipeline)] $Process) {
    process {
        if (-not $Process) { return }
        # SIGTERM first: nginx and Dovecot masters stop their workers on it, while Stop-Process (SIGKILL) orphans them.
        if (-not $Process.HasExited) { kill -TERM $Process.Id 2>$null; if (-not $Process.WaitForExit(5000)) { $Process | Stop-Process -Force } }
        if ($Process.PeerLog) { Remove-Item "$($Process.PeerLog).out", "$($Process.PeerLog).err" -ErrorAction Ignore }
        if ($Process.PeerDirectory) { Remove-Item $Process.PeerDirectory -Recurse -Force -ErrorAction Ignore }
    }
}

function Get-TestCertificateDirectory {
    # tests/peers/certs.sh: test root CA, CA-signed leaf for localhost/127.0.0.1, self-signed, wrong host, expired.
    $dir = Join-Path ([IO.Path]::GetTempPath()) "psnt-pester-certs-$PID-$(Get-Random)"
    bash (Join-Path $RepoRoot 'tests/peers/certs.sh') $dir | Out-Null
    if ($LASTEXITCODE) { throw "tests/peers/certs.sh failed (openssl missing? run 'sudo bash tests/peers/install.sh')" }
    $dir
}

function Start-TlsNginx {
    # nginx with the four certificates of certs.sh (tests/peers/nginx/tls.conf.template) on free ports of 127.0.0.1.
    param([string] $CertificateDirectory)
    $ownCertificates = -not $CertificateDirectory
    if ($ownCertificates) { $CertificateDirectory = Get-TestCertificateDirectory }
    $prefix = Join-Path ([IO.Path]::GetTempPath()) "psnt-pester-nginx-$PID-$(Get-Random)"
    New-Item -ItemType Directory (Join-Path $prefix tmp) -Force | Out-Null
    $ports = [ordered]@{ SelfSigned = (Get-FreeTcpPort); Expired = (Get-FreeTcpPort); WrongHost = (Get-FreeTcpPort); Chain = (Get-FreeTcpPort) }
    $conf = (Get-Content (Join-Path $RepoRoot 'tests/peers/nginx/tls.conf.template') -Raw).
        Replace('@PREFIX@', $prefix).Replace('@CERTS@', $CertificateDirectory).
        Replace('@SELFPORT@', $ports.SelfSigned).Replace('@EXPIREDPORT@', $ports.Expired).
        Replace('@WRONGPORT@', $ports.WrongHost).Replace('@CHAINPORT@', $ports.Chain)
    Set-Content (Join-Path $prefix nginx.conf) $conf
    $process = Start-TestPeer nginx '-p', $prefix, '-c', (Join-Path $prefix nginx.conf) -Port $ports.Chain
    foreach ($p in $ports.Values) { Wait-TcpPort $p }
    [pscustomobject]@{ Process = $process; Prefix = $prefix; CertificateDirectory = $CertificateDirectory; OwnCertificates = $ownCertificates
        SelfSignedPort = $ports.SelfSigned; ExpiredPort = $ports.Expired; WrongHostPort = $ports.WrongHost; ChainPort = $ports.Chain }
}

function Stop-TlsNginx($Nginx) {
    if (-not $Nginx) { return }
    $Nginx.Process | Stop-TestPeer
    Remove-Item $Nginx.Prefix -Recurse -Force -ErrorAction Ignore
    if ($Nginx.OwnCertificates) { Remove-Item $Nginx.CertificateDirectory -Recurse -Force -ErrorAction Ignore }
}

# The peers that help examples name by their fixed ports, as tests/peers/peers.sh starts them for readers. Each returns
# the peer's process (with PeerDirectory, its files), which Invoke-InNewRunspace stops when the example ends; the fixed
# ports are free because the suite runs in the network namespace of isolated_net.sh, where nothing else listens.
function Start-WebNginx {
    # nginx with the python3-doc site and the test endpoints of tests/peers/nginx/http.conf.template.
    param([int] $Port = 4080, [int] $TlsPort = 4443)
    $docroot = '/usr/share/doc/python3.11/html'
    if (-not (Test-Path $docroot)) { throw "$docroot is missing: run 'sudo bash tests/peers/install.sh' (python3-doc)." }
    $prefix = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "psnt-pester-web-$PID-$(Get-Random)/tmp") -Force).Parent.FullName
    $certs = Get-TestCertificateDirectory
    $big = [IO.File]::Create((Join-Path $prefix big.bin)); $big.SetLength(100MB); $big.Dispose()
    $bytes = [byte[]]::new(65536); [Random]::new(7).NextBytes($bytes); [IO.File]::WriteAllBytes((Join-Path $prefix binary.bin), $bytes)
    $conf = (Get-Content (Join-Path $RepoRoot 'tests/peers/nginx/http.conf.template') -Raw).
        Replace('@PREFIX@', $prefix).Replace('@CERTS@', $certs).Replace('@DOCROOT@', $docroot).
        Replace('@SITE@', (Join-Path $RepoRoot 'tests/peers/web')).Replace('@PORT@', $Port).Replace('@TLSPORT@', $TlsPort)
    Set-Content (Join-Path $prefix nginx.conf) $conf
    $process = Start-TestPeer nginx '-p', $prefix, '-c', (Join-Path $prefix nginx.conf) -Port $Port
    Wait-TcpPort $TlsPort
    $process | Add-Member -NotePropertyName PeerDirectory -NotePropertyValue @($prefix, $certs) -PassThru
}

function Start-FixedTlsNginx {
    # The TLS peers of peers.sh: 4451 self-signed, 4452 expired, 4453 wrong host, 4454 CA -> intermediate -> leaf.
    # -CopyCaTo puts the test root CA there as ca.crt (the file an example trusts).
    param([string] $CopyCaTo)
    $certs = Get-TestCertificateDirectory
    $prefix = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "psnt-pester-tls-$PID-$(Get-Random)/tmp") -Force).Parent.FullName
    $conf = (Get-Content (Join-Path $RepoRoot 'tests/peers/nginx/tls.conf.template') -Raw).
        Replace('@PREFIX@', $prefix).Replace('@CERTS@', $certs).
        Replace('@SELFPORT@', 4451).Replace('@EXPIREDPORT@', 4452).Replace('@WRONGPORT@', 4453).Replace('@CHAINPORT@', 4454)
    Set-Content (Join-Path $prefix nginx.conf) $conf
    $process = Start-TestPeer nginx '-p', $prefix, '-c', (Join-Path $prefix nginx.conf) -Port 4454
    foreach ($p in 4451..4453) { Wait-TcpPort $p }
    if ($CopyCaTo) { Copy-Item (Join-Path $certs ca.crt) (Join-Path $CopyCaTo ca.crt) }
    $process | Add-Member -NotePropertyName PeerDirectory -NotePropertyValue @($prefix, $certs) -PassThru
}

function Start-CalculatorSample {
    # samples/CalculatorServer (built with the solution): calculator.Calculator with reflection and health, h2c.
    param([int] $Port = 50051)
    $dll = Join-Path $RepoRoot 'samples/CalculatorServer/bin/Release/net10.0/CalculatorServer.dll'
    if (-not (Test-Path $dll)) { throw "the gRPC sample is missing at ${dll}: run 'dotnet build -c Release' first." }
    Start-TestPeer dotnet $dll, '--port', $Port -Port $Port -TimeoutSec 30
}

function Start-GrpcPeer {
    # npm @grpc/grpc-js (tests/peers/rpc/grpc/grpc-server.js): reflection, and health with '' and demo.v1.Greeter
    # SERVING, down.Service NOT_SERVING, anything else NOT_FOUND. Plaintext (h2c) on a free port.
    $dir = Join-Path $RepoRoot 'tests/peers/rpc'
    if (-not (Test-Path (Join-Path $dir 'node_modules/@grpc/grpc-js'))) {
        throw "npm @grpc/grpc-js is not installed in tests/peers/rpc: run 'sudo bash tests/peers/install.sh' (it runs npm ci there)."
    }
    $port = Get-FreeTcpPort
    $process = Start-TestPeer node 'grpc/grpc-server.js', $port -Port $port -WorkingDirectory $dir
    [pscustomobject]@{ Process = $process; Address = "127.0.0.1:$port" }
}

function Start-SshdPeer {
    # Debian's sshd on 127.0.0.1 with key auth and the PowerShell subsystem (the real pwsh binary: ~/.dotnet/tools/pwsh
    # is a launcher). Returns what Invoke-Command -HostName needs as SshParameters. Root only (sshd's privilege
    # separation), as CI runs.
    param([string] $Address = '127.0.0.1')
    foreach ($c in '/usr/sbin/sshd', 'ssh-keygen', 'ssh') {
        if (-not (Get-Command $c -ErrorAction Ignore)) { throw "$c is missing: run 'sudo bash tests/peers/install.sh' (it installs openssh-server)." }
    }
    $dir = Join-Path ([IO.Path]::GetTempPath()) "psnt-pester-sshd-$PID-$(Get-Random)"
    New-Item -ItemType Directory $dir -Force | Out-Null
    New-Item -ItemType Directory /run/sshd -Force | Out-Null
    ssh-keygen -q -t ed25519 -N '' -f (Join-Path $dir host_key) | Out-Null
    ssh-keygen -q -t ed25519 -N '' -f (Join-Path $dir client_key) | Out-Null
    Copy-Item (Join-Path $dir client_key.pub) (Join-Path $dir authorized_keys)
    $pwsh = Join-Path $PSHOME 'pwsh'
    if (-not (Test-Path $pwsh)) { throw "the pwsh binary is not at ${pwsh}: run 'sudo bash tests/peers/install.sh'." }
    $port = Get-FreeTcpPort
    @(
        "ListenAddress $Address", "Port $port", "HostKey $dir/host_key", "PidFile $dir/sshd.pid"
        "AuthorizedKeysFile $dir/authorized_keys", 'PermitRootLogin prohibit-password', 'PasswordAuthentication no'
        'KbdInteractiveAuthentication no', 'UsePAM no', 'StrictModes no'
        # The remote pwsh must not reach for updates or telemetry either.
        'SetEnv POWERSHELL_UPDATECHECK=Off POWERSHELL_TELEMETRY_OPTOUT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1'
        "Subsystem powershell $pwsh -sshs -NoLogo -NoProfile"
    ) | Set-Content (Join-Path $dir sshd_config)
    $process = Start-TestPeer /usr/sbin/sshd '-D', '-e', '-f', (Join-Path $dir sshd_config) -Port $port
    [pscustomobject]@{
        Process = $process; Directory = $dir
        Ssh     = @{ HostName = $Address; Port = $port; UserName = (whoami); KeyFilePath = (Join-Path $dir client_key)
            Options = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = (Join-Path $dir known_hosts); LogLevel = 'ERROR' } }
    }
}

function Stop-SshdPeer($Sshd) {
    if ($Sshd) { $Sshd.Process | Stop-TestPeer; Remove-Item $Sshd.Directory -Recurse -Force -ErrorAction Ignore }
}

function Start-MailPeers {
    # Dovecot (IMAP with STARTTLS, POP3, LMTP; user tester/secret, Maildir) and the aiosmtpd peer that relays into it
    # over LMTP, as tests/Shared/Mail/MailPeers.cs starts them, on free ports of 127.0.0.1. Root only (Dovecot).
    # -SmtpPort: the plain SMTP port (no TLS, no AUTH), e.g. 587, where a help example's Send-Mail connects by default.
    param([int] $SmtpPort)
    foreach ($c in 'dovecot', 'openssl') { if (-not (Get-Command $c -ErrorAction Ignore)) { throw "$c is missing: run 'sudo bash tests/peers/install.sh'." } }
    if (-not (Test-Path /usr/lib/python3/dist-packages/aiosmtpd/__init__.py)) { throw "python3-aiosmtpd is missing: run 'sudo bash tests/peers/install.sh'." }
    $templates = Join-Path $RepoRoot 'tests/peers/mail'
    $dir = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "psnt-pester-mail-$PID-$(Get-Random)")).FullName
    chmod 755 $dir
    New-Item -ItemType Directory "$dir/certs", "$dir/dovecot", "$dir/mail/tester/Maildir/cur", "$dir/mail/tester/Maildir/new", "$dir/mail/tester/Maildir/tmp" | Out-Null
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' -keyout "$dir/certs/server.key" -out "$dir/certs/server.crt" 2>$null
    chmod 644 "$dir/certs/server.key"
    chown -R 5000:5000 "$dir/mail"
    $ports = [ordered]@{ IMAP_PORT = (Get-FreeTcpPort); IMAPS_PORT = (Get-FreeTcpPort); POP3_PORT = (Get-FreeTcpPort); POP3S_PORT = (Get-FreeTcpPort); LMTP_PORT = (Get-FreeTcpPort) }
    $smtp = $SmtpPort ? $SmtpPort : (Get-FreeTcpPort); $smtpStartTls = Get-FreeTcpPort; $smtpTls = Get-FreeTcpPort
    function Render([string] $Text) {
        $Text = $Text.Replace('@DIR@', $dir).Replace('@INSTANCE@', (Split-Path $dir -Leaf))
        foreach ($k in $ports.Keys) { $Text = $Text.Replace("@$k@", "$($ports[$k])") }
        $Text
    }
    Set-Content "$dir/dovecot/dovecot.conf" (Render (Get-Content "$templates/dovecot.conf.template" -Raw))
    Set-Content "$dir/dovecot/users" (Render (Get-Content "$templates/users.template" -Raw))
    $dovecot = Start-TestPeer dovecot '-F', '-c', "$dir/dovecot/dovecot.conf" -Port $ports.IMAP_PORT -WorkingDirectory $dir
    foreach ($p in $ports.Values) { Wait-TcpPort $p }
    $smtpd = Start-TestPeer /usr/bin/python3 "$templates/smtpd_peer.py", "$dir/certs/server.crt", "$dir/certs/server.key", $ports.LMTP_PORT, $smtp, $smtpStartTls, $smtpTls -Port $smtp -WorkingDirectory $dir
    [pscustomobject]@{ Processes = @($smtpd, $dovecot); Directory = $dir; SmtpPort = $smtp; ImapPort = $ports.IMAP_PORT; Pop3Port = $ports.POP3_PORT
        Credential = [pscredential]::new('tester', (ConvertTo-SecureString 'secret' -AsPlainText -Force)) }
}

function Stop-MailPeers($Mail) {
    if ($Mail) { $Mail.Processes | Stop-TestPeer; Remove-Item $Mail.Directory -Recurse -Force -ErrorAction Ignore }
}

function Invoke-InNewRunspace {
    # Runs a script as a new session of the user's would: a fresh runspace, its own variables and location. Returns
    # its output and error records; afterwards stops what it left running (servers, jobs, remote sessions, peer
    # processes started with Start-TestPeer).
    param([string] $Script, [hashtable] $Variable = @{}, [string] $Location, [int] $TimeoutSec = 90)
    $runspace = [runspacefactory]::CreateRunspace([initialsessionstate]::CreateDefault2())
    $runspace.Open()
    $ps = [powershell]::Create()
    $ps.Runspace = $runspace
    try {
        foreach ($name in $Variable.Keys) { $runspace.SessionStateProxy.SetVariable($name, $Variable[$name]) }
        if ($Location) { $runspace.SessionStateProxy.Path.SetLocation($Location) | Out-Null }
        $null = $ps.AddScript($Script)
        $async = $ps.BeginInvoke()
        if (-not $async.AsyncWaitHandle.WaitOne($TimeoutSec * 1000)) {
            $ps.Stop()
            throw "the script did not finish within $TimeoutSec s"
        }
        $output = @($ps.EndInvoke($async))
        [pscustomobject]@{ Output = $output; Errors = @($ps.Streams.Error) }
    }
    finally {
        $ps.Commands.Clear()
        $null = $ps.AddScript('Get-NetServer | Stop-NetServer -Confirm:$false; Get-PSSession | Remove-PSSession; Get-Job | Remove-Job -Force
            if (Get-Command Stop-TestPeer -ErrorAction Ignore) {
                Get-Variable -ValueOnly | Where-Object { $_ -is [System.Diagnostics.Process] } | Stop-TestPeer
                Get-Variable -ValueOnly | Where-Object { $_ -is [pscustomobject] -and $_.PSObject.Properties[''Processes''] } | ForEach-Object { Stop-MailPeers $_ }
            }')
        try { $ps.Invoke() | Out-Null } catch { Write-Warning "cleanup after a script in its own runspace: $_" }
        $ps.Dispose()
        $runspace.Dispose()
    }
}
