using System.Net;
using System.Text;
using PSNetTools.Transport;
using PSNetTools.Net;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Transport;

/// <summary>Issue 10 item 12: a peer whose reply never ends is cut off at MaxReplyBytes, with the limit named.</summary>
public class ReplyLimitTests
{
    private static readonly ResolvedTarget Local = new("127.0.0.1", IPAddress.Loopback);

    private static PeerProcess EndlessReply(string mode, out int port)
    {
        port = Loopback.FreeTcpPort();
        // 64 MB at most per client: enough to pass any limit tested here, bounded if the client has none.
        return PeerProcess.Start("python3", $"tests/peers/hostile/endless_reply.py {mode} {port} {64 << 20}", port);
    }

    private static MessageOptions Options(int port, int maxReplyBytes) => new()
    {
        Port = port,
        Payloads = [Encoding.UTF8.GetBytes("hello")],
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ReadTimeout = TimeSpan.FromSeconds(5),
        QuietPeriod = TimeSpan.FromSeconds(2),
        MaxReplyBytes = maxReplyBytes,
    };

    [Fact]
    public void The_default_is_16_MB() => Assert.Equal(16 * 1024 * 1024, new MessageOptions().MaxReplyBytes);

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public async Task An_endless_reply_ends_the_exchange_with_ReplyTooLarge(string mode)
    {
        using var peer = EndlessReply(mode, out var port);
        var options = Options(port, 1_000_000);
        var outcome = mode == "tcp"
            ? await TcpMessageClient.ExchangeAsync(Local, options, default)
            : await UdpMessageClient.ExchangeAsync(Local, options, default);
        var exchange = outcome.Value!;
        Assert.Empty(exchange.Replies);
        var failure = exchange.Failure!;
        Assert.Equal(("ReplyTooLarge", FailureKind.LimitExceeded), (failure.ErrorId, failure.Kind));
        Assert.Contains("1,000,000 bytes", failure.Message, StringComparison.Ordinal);
        Assert.Contains("MaxReplyBytes", failure.Message, StringComparison.Ordinal);
    }
}
