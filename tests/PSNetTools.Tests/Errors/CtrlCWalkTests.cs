using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Errors;

/// <summary>
/// Ctrl+C for every command that waits on a peer: each runs against a peer that accepts and then says nothing (TCP,
/// TLS-after-accept, UDP, a WebSocket that went quiet), with timeouts far longer than the test, and is stopped after a
/// second as PowerShell stops a pipeline on Ctrl+C. It must end within a few seconds, leave no error record of its
/// own (PowerShell's stop is the only outcome), and leave the session usable: the same runspace then runs a command.
/// </summary>
public sealed class CtrlCWalkTests : IClassFixture<WalkPeers>
{
    private static readonly TimeSpan StopAfter = TimeSpan.FromSeconds(1);

    // Seconds a stopped command may take to end: its cancellation, the runspace's own stop, a loaded CI machine.
    private const double Allowed = 4;

    private const string Cred = "-Credential ([pscredential]::new('u', (& { $s = [securestring]::new(); $s.AppendChar('p'); $s }))) -AllowUnencryptedAuthentication";

    private readonly WalkPeers _peers;

    public CtrlCWalkTests(WalkPeers peers) => _peers = peers;

    public enum Peer { Silent, UdpSilent, WsSilent, None }

    // {P}: the peer's port; {N}: a server name of this case's own (the server registry is the process's). Every timeout is minutes long: only Ctrl+C can end these within the test.
    public static TheoryData<string, Peer> Cases() => new()
    {
        { "Test-TcpEcho 127.0.0.1 {P} -Count 100 -TimeoutSec 300", Peer.Silent },
        { "Send-TcpMessage 127.0.0.1 {P} hi -TimeoutSec 300 -ReadTimeoutSec 300", Peer.Silent },
        { "Send-TcpMessage 127.0.0.1 {P} hi -UseTls -TimeoutSec 300 -ReadTimeoutSec 300", Peer.Silent },
        { "Test-UdpEcho 127.0.0.1 {P} -Count 1000 -TimeoutSec 300", Peer.UdpSilent },
        { "Send-UdpMessage 127.0.0.1 {P} hi -ReadTimeoutSec 300", Peer.UdpSilent },
        { "Get-TlsCertificate 127.0.0.1 -Port {P} -TimeoutSec 300", Peer.Silent },
        { "Test-HttpEndpoint http://127.0.0.1:{P}/ -TimeoutSec 300", Peer.Silent },
        { "Test-HttpEndpoint https://127.0.0.1:{P}/ -TimeoutSec 300", Peer.Silent },
        { "Invoke-Scrape http://127.0.0.1:{P}/ -TimeoutSec 300", Peer.Silent },
        { "Invoke-Crawl http://127.0.0.1:{P}/ -TimeoutSec 300", Peer.Silent },
        { "Invoke-XmlRpc http://127.0.0.1:{P}/RPC2 -Method m -TimeoutSec 300", Peer.Silent },
        { "Connect-WebSocket ws://127.0.0.1:{P}/ -TimeoutSec 300", Peer.Silent },
        { "Send-WebSocketMessage -Uri ws://127.0.0.1:{P}/ -Message hi -TimeoutSec 300", Peer.WsSilent },
        { "$s = Connect-WebSocket ws://127.0.0.1:{P}/ -TimeoutSec 5; Receive-WebSocketMessage $s -TimeoutSec 300", Peer.WsSilent },
        { "Invoke-GrpcMethod 127.0.0.1:{P} demo.v1.Greeter/SayHello -Plaintext -ConnectTimeoutSec 300", Peer.Silent },
        { "Get-GrpcService 127.0.0.1:{P} -Plaintext -ConnectTimeoutSec 300", Peer.Silent },
        { "Test-GrpcHealth 127.0.0.1:{P} -Plaintext -TimeoutSec 300", Peer.Silent },
        { "Connect-GrpcStream 127.0.0.1:{P} demo.v1.Greeter/StreamHellos -Plaintext -ConnectTimeoutSec 300", Peer.Silent },
        { "Send-Mail 127.0.0.1 -Port {P} -From a@example.org -To b@example.org -Subject s -Body b -Security None -TimeoutSec 300", Peer.Silent },
        { $"Get-ImapFolder 127.0.0.1 -Port {{P}} -Security None -TimeoutSec 300 {Cred}", Peer.Silent },
        { $"Get-ImapMessage 127.0.0.1 -Port {{P}} -Security None -TimeoutSec 300 {Cred}", Peer.Silent },
        { $"Get-Pop3Message 127.0.0.1 -Port {{P}} -Security None -TimeoutSec 300 {Cred}", Peer.Silent },
        { "Find-OpenPort 127.0.0.0/16 -Port 1-1024 -TimeoutSec 60 -Force", Peer.None },
        { "Test-Ping 127.0.0.1 -Continuous -IntervalSec 0.2", Peer.None },
        { "Start-TcpEchoServer -Port 0 -Name {N} -Wait", Peer.None },
        { "Start-UdpEchoServer -Port 0 -Name {N} -Wait", Peer.None },
        { "Start-HttpServer -Port 0 -Name {N} -Route @{ 'GET /' = { 'x' } } -Wait", Peer.None },
        { "Start-XmlRpcServer -Port 0 -Name {N} -Method @{ add = { param($a, $b) $a + $b } } -Wait", Peer.None },
        { "Start-WebSocketEchoServer -Port 0 -Name {N} -Wait", Peer.None },
        { "Start-HttpFileServer -Path . -Port 0 -Name {N} -Wait", Peer.None },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Ctrl_c_ends_the_command_at_once_and_the_session_goes_on(string line, Peer peer)
    {
        var port = peer switch
        {
            Peer.Silent => _peers.SilentPort,
            Peer.UdpSilent => _peers.UdpSilentPort,
            Peer.WsSilent => _peers.WsSilentPort,
            _ => 0,
        };
        var name = $"ctrl-c-{Guid.NewGuid():N}";
        var command = line.Replace("{P}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("{N}", name, StringComparison.Ordinal);
        // The next command in the same runspace: the module works, and a server stopped by Ctrl+C is gone.
        var next = $"@(Get-NetServer -Name {name} -ErrorAction Ignore).Count; $s = Start-TcpEchoServer -Port 0; (Send-TcpMessage 127.0.0.1 $s.Port ok -TimeoutSec 5).Text; $s | Stop-NetServer";
        var r = Ps.RunAndStop($"$null = {command}", StopAfter, timeoutSec: 60, then: next);
        Assert.True(r.Elapsed < StopAfter + TimeSpan.FromSeconds(Allowed), $"{line}: Ctrl+C took {r.Elapsed.TotalSeconds:0.0} s to end it");
        // Stopped, not finished: the command was still waiting when Ctrl+C came.
        Assert.IsType<System.Management.Automation.PipelineStoppedException>(r.Terminating);
        Assert.Empty(r.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}"));
        Assert.Equal(["0", "ok"], r.After.Select(o => o.BaseObject.ToString()));
    }
}
