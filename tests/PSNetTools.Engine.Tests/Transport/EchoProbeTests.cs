using System.Net;
using PSNetTools.Transport;
using PSNetTools.Net;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Transport;

public class EchoProbeTests
{
    private static readonly ResolvedTarget Local = new("127.0.0.1", IPAddress.Loopback);

    [Fact]
    public async Task Tcp_probe_against_socat_counts_every_echo()
    {
        var (peer, port) = Loopback.SocatTcpEcho();
        using var _ = peer;
        var outcome = await TcpEchoProbe.ProbeAsync(Local, new EchoProbeOptions { Port = port, Message = "Hello, server! 你好", Count = 5 }, default);
        var r = outcome.Value!;
        Assert.Null(outcome.Failure);
        Assert.Equal((5, 5, 0, 5, true), (r.Sent, r.Received, r.Lost, r.Matched, r.AllMatched));
        Assert.True(r.MinMs > 0 && r.MinMs <= r.AvgMs && r.AvgMs <= r.MaxMs);
        Assert.Equal("Hello, server! 你好", r.LastReply);
    }

    [Fact]
    public async Task Udp_probe_against_socat_counts_every_echo()
    {
        var (peer, port) = Loopback.SocatUdpEcho();
        using var _ = peer;
        var outcome = await UdpEchoProbe.ProbeAsync(Local, new EchoProbeOptions { Port = port, Count = 4 }, default);
        var r = outcome.Value!;
        Assert.Equal((4, 4, 0, true), (r.Sent, r.Received, r.Lost, r.AllMatched));
        Assert.Equal("Udp", r.Protocol);
    }

    [Fact]
    public async Task A_prefixed_answer_still_matches()
    {
        await using var server = await TcpEchoServer.StartAsync(new TcpEchoServerOptions { ResponsePrefix = "服务器已收到: " });
        var r = (await TcpEchoProbe.ProbeAsync(Local, new EchoProbeOptions { Port = server.Port, Count = 2 }, default)).Value!;
        Assert.True(r.AllMatched);
        Assert.Equal("服务器已收到: Hello, server!", r.LastReply);
    }

    [Fact]
    public async Task A_server_that_answers_something_else_does_not_match()
    {
        // socat answering every line with a fixed text: a live server that is not an echo server.
        var port = Loopback.FreeTcpPort();
        using var peer = PeerProcess.Start("socat", $"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork SYSTEM:\"echo nope; sleep 5\"", port);
        // The timeout leaves room for socat to fork a shell per connection on a loaded machine (0.5 s was a CI flake).
        var outcome = await TcpEchoProbe.ProbeAsync(Local, new EchoProbeOptions { Port = port, Count = 2, Timeout = TimeSpan.FromSeconds(3) }, default);
        var r = outcome.Value ?? throw new Xunit.Sdk.XunitException($"the probe failed: {outcome.Failure?.Message}");
        Assert.False(r.AllMatched);
        Assert.Equal(0, r.Matched);
        Assert.StartsWith("nope", r.LastReply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silent_server_counts_as_lost_within_the_timeout()
    {
        var port = Loopback.FreeTcpPort();
        using var peer = PeerProcess.Start("socat", $"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork SYSTEM:\"sleep 30\"", port);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var r = (await TcpEchoProbe.ProbeAsync(Local, new EchoProbeOptions { Port = port, Count = 3, Timeout = TimeSpan.FromSeconds(0.5) }, default)).Value!;
        Assert.Equal((3, 0, 3, false), (r.Sent, r.Received, r.Lost, r.AllMatched));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Refused_ports_are_failures_with_stable_ids()
    {
        var tcp = await TcpEchoProbe.ProbeAsync(Local, new EchoProbeOptions { Port = Loopback.FreeTcpPort() }, default);
        Assert.Equal("ConnectionRefused", tcp.Failure!.ErrorId);
        var udp = await UdpEchoProbe.ProbeAsync(Local, new EchoProbeOptions { Port = Loopback.FreeUdpPort(), Count = 2 }, default);
        Assert.Equal("ConnectionRefused", udp.Failure!.ErrorId);
    }

    [Fact]
    public async Task Several_targets_stream_rows_and_failures_together()
    {
        await using var server = await TcpEchoServer.StartAsync(new TcpEchoServerOptions());
        var rows = new List<Outcome<EchoTestResult>>();
        await foreach (var o in TcpEchoProbe.RunAsync(["127.0.0.1", "no-such-host.invalid", "127.0.0.0/99", "127.0.0.1-3"], new EchoProbeOptions { Port = server.Port }))
        {
            rows.Add(o);
        }
        // The server binds 127.0.0.1 only, so 127.0.0.2 and .3 from the range are refused.
        Assert.Equal(6, rows.Count);
        Assert.Equal(2, rows.Count(o => o.Value?.AllMatched == true));
        Assert.Equal(2, rows.Count(o => o.Failure?.ErrorId == "ConnectionRefused"));
        Assert.Single(rows, o => o.Failure?.ErrorId == "HostNotResolved");
        Assert.Single(rows, o => o.Failure?.ErrorId == "InvalidTarget");
    }
}
