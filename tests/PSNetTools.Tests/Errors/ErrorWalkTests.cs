using System.Management.Automation;
using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Errors;

/// <summary>
/// Every client cmdlet against the same bad peers: refused, unresolvable (NXDOMAIN from the isolated namespace's
/// resolver), silent, a TLS client at a plain-text port, a plain client at a TLS port, a peer of another protocol,
/// an untrusted certificate. The same condition must give the same ErrorId and category in every cmdlet, name the
/// target, and read like a sentence: no "see inner exception", no "(Parameter '...')", no type name, no stack trace.
/// </summary>
public sealed class ErrorWalkTests : IClassFixture<WalkPeers>
{
    private const string NoSuchHost = "no-such-host.invalid";
    private const string Cred = "-Credential ([pscredential]::new('u', (& { $s = [securestring]::new(); $s.AppendChar('p'); $s }))) -AllowUnencryptedAuthentication";

    private readonly WalkPeers _peers;

    public ErrorWalkTests(WalkPeers peers) => _peers = peers;

    public enum Peer { Refused, Unresolvable, Silent, Garbage, Tls, UdpSilent, WsGarbage, WsReset, WsSilent }

    // cmdlet line ({H} host, {P} port), peer, expected ErrorId.
    public static TheoryData<string, Peer, string> Cases()
    {
        var data = new TheoryData<string, Peer, string>();
        void Add(string line, params (Peer Peer, string Id)[] expected)
        {
            foreach (var (peer, id) in expected) data.Add(line, peer, id);
        }
        (Peer, string) refused = (Peer.Refused, "ConnectionRefused"), unresolvable = (Peer.Unresolvable, "HostNotResolved"), silent = (Peer.Silent, "Timeout");
        // Lines with no silent peer get 5 s: a TLS handshake on a loaded machine may take more than one.
        Add("Test-TcpEcho {H} {P} -TimeoutSec 1", refused, unresolvable);
        Add("Send-TcpMessage {H} {P} hi -TimeoutSec 1 -ReadTimeoutSec 0.5", refused, unresolvable);
        Add("Send-TcpMessage {H} {P} hi -UseTls -TimeoutSec 1 -ReadTimeoutSec 0.5", silent, (Peer.Garbage, "TlsFailed"), (Peer.Tls, "CertificateUntrusted"));
        Add("Get-TlsCertificate {H} -Port {P} -TimeoutSec 1", refused, unresolvable, silent, (Peer.Garbage, "TlsFailed"));
        Add("Find-OpenPort {H} -Port 1 -TimeoutSec 1", unresolvable);
        Add("Invoke-Scrape http://{H}:{P}/ -TimeoutSec 1", refused, unresolvable, silent, (Peer.Garbage, "ProtocolError"));
        Add("Invoke-Scrape https://{H}:{P}/ -TimeoutSec 5", (Peer.Garbage, "TlsFailed"), (Peer.Tls, "CertificateUntrusted"));
        Add("Invoke-XmlRpc http://{H}:{P}/RPC2 -Method m -TimeoutSec 1", refused, unresolvable, silent, (Peer.Garbage, "ProtocolError"), (Peer.Tls, "ProtocolError"));
        Add("Invoke-XmlRpc https://{H}:{P}/RPC2 -Method m -TimeoutSec 5", (Peer.Garbage, "TlsFailed"), (Peer.Tls, "CertificateUntrusted"));
        Add("Connect-WebSocket ws://{H}:{P}/ -TimeoutSec 1", refused, unresolvable, silent, (Peer.Garbage, "ProtocolError"));
        Add("Connect-WebSocket wss://{H}:{P}/ -TimeoutSec 5", (Peer.Garbage, "TlsFailed"), (Peer.Tls, "CertificateUntrusted"));
        // h2c at a TLS port: the server's alert reads as garbage or its close as a reset, whichever the client meets first.
        Add("Invoke-GrpcMethod {H}:{P} demo.v1.Greeter/SayHello -Plaintext -ConnectTimeoutSec 1 -DeadlineSec 1", refused, unresolvable, silent, (Peer.Garbage, "ProtocolError"), (Peer.Tls, "ProtocolError|ConnectionReset"));
        Add("Invoke-GrpcMethod {H}:{P} demo.v1.Greeter/SayHello -ConnectTimeoutSec 1 -DeadlineSec 1", (Peer.Garbage, "TlsFailed"), (Peer.Tls, "CertificateUntrusted"));
        Add("Get-GrpcService {H}:{P} -Plaintext -ConnectTimeoutSec 1", refused, unresolvable);
        Add("Test-GrpcHealth {H}:{P} -Plaintext -TimeoutSec 1", refused, unresolvable, silent);
        Add("Send-Mail {H} -Port {P} -From a@example.org -To b@example.org -Subject s -Body b -Security None -TimeoutSec 1", refused, unresolvable, silent, (Peer.Garbage, "ProtocolError"));
        Add("Send-Mail {H} -Port {P} -From a@example.org -To b@example.org -Subject s -Body b -Security SslOnConnect -TimeoutSec 5", (Peer.Garbage, "TlsFailed"), (Peer.Tls, "CertificateUntrusted"));
        Add($"Get-ImapFolder {{H}} -Port {{P}} -Security None -TimeoutSec 1 {Cred}", refused, unresolvable, silent, (Peer.Garbage, "ProtocolError"));
        Add($"Get-Pop3Message {{H}} -Port {{P}} -Security None -TimeoutSec 1 {Cred}", refused, unresolvable, silent, (Peer.Garbage, "ProtocolError"));
        Add($"Get-ImapMessage {{H}} -Port {{P}} -Security None -TimeoutSec 1 {Cred}", refused, unresolvable, silent, (Peer.Garbage, "ProtocolError"));
        // UDP: a port that answers 'port unreachable' is refused like TCP; silence is a result (Lost, NoReply), not an error.
        Add("Test-UdpEcho {H} {P} -TimeoutSec 1", refused, unresolvable);
        Add("Send-UdpMessage {H} {P} hi -ReadTimeoutSec 0.5", refused, unresolvable);
        Add("Test-Ping {H} -Count 1 -TimeoutSec 1", unresolvable);
        Add("Send-WebSocketMessage -Uri ws://{H}:{P}/ -Message hi -TimeoutSec 1", refused, unresolvable, silent, (Peer.Garbage, "ProtocolError"),
            (Peer.WsGarbage, "ProtocolError"), (Peer.WsReset, "ConnectionClosed"), (Peer.WsSilent, "Timeout"));
        // A session that connected, then the server broke the protocol, went away or went quiet.
        const string Session = "$s = Connect-WebSocket ws://{H}:{P}/ -TimeoutSec 2; ";
        Add(Session + "Receive-WebSocketMessage $s -TimeoutSec 1", (Peer.WsGarbage, "ProtocolError"), (Peer.WsReset, "ConnectionClosed"), (Peer.WsSilent, "Timeout"));
        Add(Session + "Send-WebSocketMessage -Session $s -Message hi -TimeoutSec 1", (Peer.WsGarbage, "ProtocolError"), (Peer.WsReset, "ConnectionClosed"), (Peer.WsSilent, "Timeout"));
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_same_condition_has_the_same_id_category_target_and_wording_in_every_cmdlet(string line, Peer peer, string id)
    {
        var (host, port) = Where(peer);
        var command = line.Replace("{H}", host, StringComparison.Ordinal).Replace("{P}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var r = Ps.Run($"$null = {command}", timeoutSec: 60);
        Assert.Null(r.Terminating);
        var e = Assert.Single(r.Errors);
        var actual = e.FullyQualifiedErrorId.Split(',')[0];
        Assert.True(id.Split('|').Contains(actual), $"expected {id}, got {actual}: {e.Exception.Message}");
        Assert.Equal(Category(actual), e.CategoryInfo.Category);
        Assert.NotNull(e.TargetObject);
        Assert.Contains(host, Convert.ToString(e.TargetObject, System.Globalization.CultureInfo.InvariantCulture), StringComparison.OrdinalIgnoreCase);
        AssertReadable(e);
    }

    [Fact]
    public void Test_HttpEndpoint_reports_the_same_ids_in_its_results()
    {
        var r = Ps.Run($$"""
            foreach ($u in 'http://127.0.0.1:{{_peers.RefusedPort}}/', 'http://{{NoSuchHost}}/', 'http://127.0.0.1:{{_peers.SilentPort}}/', 'http://127.0.0.1:{{_peers.GarbagePort}}/', 'https://127.0.0.1:{{_peers.GarbagePort}}/', 'https://127.0.0.1:{{_peers.TlsPort}}/') {
                (Test-HttpEndpoint $u -TimeoutSec 1).Error
            }
            """);
        r.AssertNoErrors();
        var errors = r.Output.Select(o => (string)o.BaseObject).ToList();
        Assert.Equal(["ConnectionRefused", "HostNotResolved", "Timeout", "ProtocolError", "TlsFailed", "CertificateUntrusted"], errors.Select(s => s.Split(':')[0]));
        Assert.All(errors, AssertReadable);
    }

    [Fact]
    public void Invoke_Crawl_reports_the_same_ids_in_its_rows()
    {
        var r = Ps.Run($$"""
            foreach ($u in 'http://127.0.0.1:{{_peers.RefusedPort}}/', 'http://{{NoSuchHost}}/', 'http://127.0.0.1:{{_peers.SilentPort}}/', 'http://127.0.0.1:{{_peers.GarbagePort}}/', 'https://127.0.0.1:{{_peers.GarbagePort}}/', 'https://127.0.0.1:{{_peers.TlsPort}}/') {
                (Invoke-Crawl $u -Depth 0 -TimeoutSec 1).Error
            }
            """);
        r.AssertNoErrors();
        var errors = r.Output.Select(o => (string)o.BaseObject).ToList();
        Assert.Equal(["ConnectionRefused", "HostNotResolved", "Timeout", "ProtocolError", "TlsFailed", "CertificateUntrusted"], errors.Select(s => s.Split(':')[0]));
        Assert.All(errors, AssertReadable);
    }

    [Fact]
    public void Silence_over_UDP_is_a_result_not_an_error()
    {
        var r = Ps.Run($$"""
            Test-UdpEcho 127.0.0.1 {{_peers.UdpSilentPort}} -TimeoutSec 0.5 | ForEach-Object { "lost $($_.Lost)" }
            Send-UdpMessage 127.0.0.1 {{_peers.UdpSilentPort}} hi -ReadTimeoutSec 0.5 | ForEach-Object { "$($_.Completion)" }
            """);
        r.AssertNoErrors();
        Assert.Equal(["lost 1", "NoReply"], r.Output.Select(o => o.BaseObject.ToString()));
    }

    [Fact]
    public void Advice_names_the_parameters_of_the_cmdlet_that_failed_and_stays_out_of_the_message()
    {
        var r = Ps.Run($$"""
            Send-TcpMessage 127.0.0.1 {{_peers.GarbagePort}} hi -ServerName localhost -TimeoutSec 1
            Send-TcpMessage 127.0.0.1 {{_peers.GarbagePort}} hi -UseTls -TimeoutSec 1
            Invoke-GrpcMethod 127.0.0.1:{{_peers.GarbagePort}} demo.v1.Greeter/SayHello -ConnectTimeoutSec 1
            Get-TlsCertificate 127.0.0.1 -Port {{_peers.SilentPort}} -TimeoutSec 0.5
            Invoke-Scrape https://127.0.0.1:{{_peers.TlsPort}}/ -TimeoutSec 1
            """);
        Assert.Equal(5, r.Errors.Count);
        var advice = r.Errors.Select(e => e.ErrorDetails?.RecommendedAction ?? "").ToList();
        Assert.Contains("-ServerName", advice[0], StringComparison.Ordinal);
        Assert.Contains("drop -UseTls", advice[1], StringComparison.Ordinal);
        Assert.Contains("-Plaintext", advice[2], StringComparison.Ordinal);
        Assert.Contains("-TimeoutSec (now 0.5 s)", advice[3], StringComparison.Ordinal);
        Assert.Contains("-SkipCertificateCheck", advice[4], StringComparison.Ordinal);
        Assert.All(r.Errors, e => Assert.DoesNotMatch(@" -[A-Z][a-z]+[A-Za-z]*\b", e.ErrorDetails?.Message ?? e.Exception.Message));
    }

    [Fact]
    public void Targets_that_are_a_URI_or_host_port_are_named_for_what_they_are()
    {
        var r = Ps.Run("""
            Test-TcpEcho 'http://127.0.0.1' 7 -TimeoutSec 1
            Test-TcpEcho '127.0.0.1:80' 7 -TimeoutSec 1
            Invoke-GrpcMethod 127.0.0.1:70000 demo.v1.Greeter/SayHello -Plaintext
            """);
        Assert.Equal(3, r.Errors.Count);
        var messages = r.Errors.Select(e => e.ErrorDetails?.Message ?? e.Exception.Message).ToList();
        Assert.Contains("is a URI, not a host", messages[0], StringComparison.Ordinal);
        Assert.Contains("'127.0.0.1'", messages[0], StringComparison.Ordinal);
        Assert.Contains("is host:port", messages[1], StringComparison.Ordinal);
        Assert.Contains("70000 is not a port", messages[2], StringComparison.Ordinal);
        Assert.All(r.Errors, AssertReadable);
    }

    [Fact]
    public void Disconnect_WebSocket_twice_is_a_no_op()
    {
        var r = Ps.Run("""
            $server = Start-WebSocketEchoServer -Port 0
            $s = Connect-WebSocket "ws://127.0.0.1:$($server.Port)/"
            $s | Disconnect-WebSocket
            $s | Disconnect-WebSocket
            Disconnect-WebSocket $s -PassThru | ForEach-Object State
            $server | Stop-NetServer
            """);
        r.AssertNoErrors();
        Assert.Equal("Closed", r.One().BaseObject);
    }

    private (string Host, int Port) Where(Peer peer) => peer switch
    {
        Peer.Refused => ("127.0.0.1", _peers.RefusedPort),
        Peer.Unresolvable => (NoSuchHost, 1),
        Peer.Silent => ("127.0.0.1", _peers.SilentPort),
        Peer.Garbage => ("127.0.0.1", _peers.GarbagePort),
        Peer.UdpSilent => ("127.0.0.1", _peers.UdpSilentPort),
        Peer.WsGarbage => ("127.0.0.1", _peers.WsGarbagePort),
        Peer.WsReset => ("127.0.0.1", _peers.WsResetPort),
        Peer.WsSilent => ("127.0.0.1", _peers.WsSilentPort),
        _ => ("127.0.0.1", _peers.TlsPort),
    };

    private static ErrorCategory Category(string id) => id switch
    {
        "ConnectionRefused" => ErrorCategory.ConnectionError,
        "HostNotResolved" => ErrorCategory.ObjectNotFound,
        "Timeout" => ErrorCategory.OperationTimeout,
        "TlsFailed" or "CertificateUntrusted" => ErrorCategory.SecurityError,
        "ConnectionReset" or "ConnectionClosed" => ErrorCategory.ConnectionError,
        _ => ErrorCategory.ProtocolError,
    };

    private static void AssertReadable(ErrorRecord e)
    {
        AssertReadable(e.ErrorDetails?.Message ?? "");
        AssertReadable(e.Exception.Message);
        AssertReadable(e.ToString());
    }

    private static void AssertReadable(string text)
    {
        Assert.DoesNotContain("see inner exception", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("(Parameter '", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Status(StatusCode", text, StringComparison.Ordinal);
    }
}
