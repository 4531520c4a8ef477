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
        Assert.Equal("Closed", session.State);
        Assert.Equal("3000", session.CloseStatus);
        Assert.Equal("bye", session.CloseDescription);
        // A clean close ends the messages (null), not a timeout.
        Assert.Null(await session.ReceiveAsync(2));
    }
}
