using System.Diagnostics;
using System.Globalization;
using PSNetTools.Testing;
using PSNetTools.WebSockets;

namespace PSNetTools.Engine.Tests.WebSockets;

/// <summary>
/// Issue 13 items 12 and 14: RFC 6455 close and UTF-8 rules, checked with the hand-made frames of
/// tests/peers/hostile/ws_rfc.py (what Autobahn's cases 6.4.4 and 7.x send), for the echo server and the client.
/// </summary>
public sealed class WebSocketRfcTests
{
    private static Process Python(params string[] arguments)
    {
        var psi = new ProcessStartInfo(PeerProcess.Require("python3")) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(PeerProcess.RepoRoot, "tests", "peers", "hostile", "ws_rfc.py"));
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    private static async Task<string> LineAsync(Process process, double timeoutSec = 30)
    {
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(timeoutSec));
        return line ?? throw new Xunit.Sdk.XunitException($"ws_rfc.py ended without an answer: {await process.StandardError.ReadToEndAsync()}");
    }

    private static double Seconds(string line) => double.Parse(line.Split(' ')[^1], CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_echo_server_echoes_a_close_code_instead_of_answering_1000()
    {
        await using var server = await WebSocketEchoServer.StartAsync(new WebSocketEchoServerOptions { Port = 0 });
        using var client = Python("client", server.Port.ToString(CultureInfo.InvariantCulture), "close3000");
        Assert.Equal("close 3000", await LineAsync(client));
    }

    [Fact]
    public async Task The_client_answers_a_servers_close_and_reports_its_code_and_reason()
    {
        var port = Loopback.FreeTcpPort();
        using var server = Python("server", port.ToString(CultureInfo.InvariantCulture), "close3000");
        Assert.Equal("ready", await LineAsync(server));
        await using var session = await WebSocketSession.ConnectAsync(new WebSocketClientOptions { Uri = new Uri($"ws://127.0.0.1:{port}/"), TimeoutSec = 5 });
        // The session sat in CloseReceived and the server never got its answer.
        Assert.Equal("close 3000", await LineAsync(server));
        // The server may read the answer before the session's own send has returned: give the state a moment.
        for (var i = 0; i < 100 && session.State != "Closed"; i++) await Task.Delay(50);
        Assert.Equal("Closed", session.State);
        Assert.Equal("3000", session.CloseStatus);
        Assert.Equal("bye", session.CloseDescription);
        // A clean close ends the messages (null), not a timeout.
        Assert.Null(await session.ReceiveAsync(2));
    }

    [Fact]
    public async Task The_echo_server_fails_invalid_UTF8_when_it_arrives_not_when_the_frame_ends()
    {
        await using var server = await WebSocketEchoServer.StartAsync(new WebSocketEchoServerOptions { Port = 0 });
        using var client = Python("client", server.Port.ToString(CultureInfo.InvariantCulture), "utf8-slow");
        var line = await LineAsync(client);
        // Old: no close until the frame's last bytes came (here never: they follow the answer), "closed none after 10".
        Assert.StartsWith("closed 1007 after ", line, StringComparison.Ordinal);
        Assert.True(Seconds(line) < 2, line);
    }

    [Fact]
    public async Task The_client_fails_invalid_UTF8_when_it_arrives()
    {
        var port = Loopback.FreeTcpPort();
        using var server = Python("server", port.ToString(CultureInfo.InvariantCulture), "utf8-slow");
        Assert.Equal("ready", await LineAsync(server));
        await using var session = await WebSocketSession.ConnectAsync(new WebSocketClientOptions { Uri = new Uri($"ws://127.0.0.1:{port}/"), TimeoutSec = 5 });
        var line = await LineAsync(server);
        Assert.StartsWith("closed 1007 after ", line, StringComparison.Ordinal);
        Assert.True(Seconds(line) < 2, line);
        var ex = await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => session.ReceiveAsync(5));
        Assert.Contains("UTF-8", ex.Message, StringComparison.Ordinal);
    }

    // The UTF-8 guard sits above TLS (the handler's plaintext filter): wss:// still works, with and without trust.
    [Fact]
    public async Task A_wss_session_runs_through_the_guard_and_certificate_checks_still_apply()
    {
        var port = Loopback.FreeTcpPort();
        // Debian's python3 has python3-websockets (tests/peers/install.sh); a python3 earlier on PATH may not.
        using var peer = PeerProcess.Start("/usr/bin/python3", $"tests/peers/web/wss_echo.py {port} {TestCertificates.File("selfsigned.crt")} {TestCertificates.File("selfsigned.key")}", port);
        var uri = new Uri($"wss://127.0.0.1:{port}/");
        await using (var session = await WebSocketSession.ConnectAsync(new WebSocketClientOptions { Uri = uri, TimeoutSec = 10, Tls = new PSNetTools.Net.TlsTrust { SkipCertificateCheck = true } }))
        {
            var x = await session.ExchangeAsync(1, "héllo 中文", binary: false, noResponse: false);
            Assert.Equal("héllo 中文", x.Received);
        }
        await Assert.ThrowsAnyAsync<Exception>(() => WebSocketSession.ConnectAsync(new WebSocketClientOptions { Uri = uri, TimeoutSec = 10 }));
    }
}
