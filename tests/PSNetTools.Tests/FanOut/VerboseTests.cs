using System.Net;
using System.Net.Sockets;
using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.FanOut;

/// <summary>Issue 11 point 3 for the fan-out cmdlets: -Verbose says what happens per target, without a line per closed port.</summary>
public class VerboseTests
{
    private static List<string> Lines(PsResult r) => [.. r.Verbose.Select(v => v.Message)];

    private static void AssertLine(List<string> lines, string contains) =>
        Assert.True(lines.Any(l => l.Contains(contains, StringComparison.Ordinal)), $"no verbose line contains '{contains}':\n{string.Join("\n", lines)}");

    [Fact]
    public void Find_OpenPort_one_line_per_host_and_per_open_port()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var open = ((IPEndPoint)listener.LocalEndpoint).Port;
        var r = Ps.Run($"Find-OpenPort 127.0.0.1,localhost,127.0.0.2 -Port 1-200,{open} -Verbose");
        r.AssertNoErrors();
        var lines = Lines(r);
        AssertLine(lines, "Scanning 201 port(s) per host, up to 1,000 connects at once");
        AssertLine(lines, "localhost resolved to 127.0.0.1.");
        AssertLine(lines, $"127.0.0.1:{open}: open (");
        AssertLine(lines, $"localhost:{open}: open (");
        AssertLine(lines, "127.0.0.1: 201 ports in");
        AssertLine(lines, "localhost (127.0.0.1): 201 ports in");
        AssertLine(lines, "127.0.0.2: 201 ports in");
        AssertLine(lines, "0 open, 201 closed");
        // The scan line, the name, one per open port (the namespace's resolver on 53 may be one), three host tallies:
        // nothing per closed port.
        var opens = r.Output.Select(o => $"{PsResult.Prop(o, "ComputerName")}:{PsResult.Prop(o, "Port")}: open (").ToList();
        Assert.All(opens, o => AssertLine(lines, o));
        Assert.True(lines.Count == 2 + opens.Count + 3, string.Join("\n", lines));
    }

    [Fact]
    public void Test_TcpEcho_says_connect_and_tally()
    {
        var r = Ps.Run("""
            $s = Start-TcpEchoServer
            Test-TcpEcho localhost -Port $s.Port -Count 2 -Verbose | Out-Null
            $s | Stop-NetServer
            """);
        r.AssertNoErrors();
        var lines = Lines(r);
        AssertLine(lines, "localhost resolved to 127.0.0.1.");
        AssertLine(lines, "connecting to 127.0.0.1 (timeout 2 s)");
        AssertLine(lines, "connected in");
        AssertLine(lines, "sending 2 probe(s) of 14 bytes");
        AssertLine(lines, "2 of 2 echoed, 2 matched.");
    }

    [Fact]
    public void Test_TcpEcho_says_why_probes_were_lost()
    {
        // A server that accepts and never answers: the probe times out.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var r = Ps.Run($"Test-TcpEcho 127.0.0.1 -Port {port} -Count 3 -TimeoutSec 0.2 -Verbose | Out-Null");
        r.AssertNoErrors();
        AssertLine(Lines(r), "probe 1: no echo within 0.2 s; 3 probe(s) count as lost.");
    }

    [Fact]
    public void Test_UdpEcho_says_what_it_sends_and_what_came_back()
    {
        var (peer, port) = Loopback.SocatUdpEcho();
        using var _ = peer;
        var r = Ps.Run($"Test-UdpEcho 127.0.0.1 -Port {port} -Count 3 -Verbose | Out-Null");
        r.AssertNoErrors();
        var lines = Lines(r);
        AssertLine(lines, "sending 3 datagram(s) of 14 bytes to 127.0.0.1");
        AssertLine(lines, "3 of 3 echoed, 3 matched.");
    }

    [Fact]
    public void Get_TlsCertificate_says_sni_version_cipher_and_verdict()
    {
        using var peers = SlowPeers.Tls();
        var r = Ps.Run($"Get-TlsCertificate 127.0.0.11 -Port {peers.Port} -ServerName slow.test -Verbose | Out-Null");
        r.AssertNoErrors();
        var lines = Lines(r);
        AssertLine(lines, $"127.0.0.11:{peers.Port}: connecting to 127.0.0.11");
        AssertLine(lines, "TLS handshake, SNI slow.test.");
        AssertLine(lines, "negotiated Tls1");
        AssertLine(lines, "certificate CN=slow.test, issued by CN=slow.test");
        AssertLine(lines, "not trusted (");
    }

    [Fact]
    public void Test_HttpEndpoint_says_connect_answer_and_retries()
    {
        using var peers = SlowPeers.Http();
        var refused = Loopback.ClosedTcpPort();
        var r = Ps.Run($"""
            Test-HttpEndpoint 'http://127.0.0.11:{peers.Port}/' -Verbose | Out-Null
            Test-HttpEndpoint 'http://localhost:{refused}/' -RetryCount 1 -RetryDelaySec 0 -Verbose | Out-Null
            """);
        r.AssertNoErrors();
        var lines = Lines(r);
        AssertLine(lines, $"GET http://127.0.0.11:{peers.Port}/.");
        AssertLine(lines, "localhost resolved to ");
        AssertLine(lines, $"Connected to 127.0.0.11:{peers.Port} in ");
        AssertLine(lines, "200 OK over HTTP/1.1, first byte after");
        AssertLine(lines, $"http://localhost:{refused}/: ConnectionRefused");
        AssertLine(lines, "attempt 1 failed; retrying in 0 s.");
        AssertLine(lines, $"GET http://localhost:{refused}/ (attempt 2 of 2).");
    }
}
