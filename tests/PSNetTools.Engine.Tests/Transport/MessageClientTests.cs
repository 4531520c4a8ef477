using System.Diagnostics;
using System.Net;
using System.Text;
using PSNetTools.Transport;
using PSNetTools.Net;
using PSNetTools.Resilience;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Transport;

public class MessageClientTests
{
    private static readonly ResolvedTarget Local = new("127.0.0.1", IPAddress.Loopback);

    private static MessageOptions Options(int port, params string[] messages) => new()
    {
        Port = port,
        Payloads = [.. messages.Select(Encoding.UTF8.GetBytes)],
        ConnectTimeout = TimeSpan.FromSeconds(2),
        ReadTimeout = TimeSpan.FromSeconds(2),
    };

    [Fact]
    public async Task Tcp_messages_go_over_one_connection_to_socat_and_each_gets_its_answer()
    {
        var (peer, port) = Loopback.SocatTcpEcho();
        using var _ = peer;
        var exchange = (await TcpMessageClient.ExchangeAsync(Local, Options(port, "first", "第二"), default)).Value!;
        Assert.Null(exchange.Failure);
        Assert.Equal(["first", "第二"], exchange.Replies.Select(r => r.Text));
        Assert.Equal([1, 2], exchange.Replies.Select(r => r.Sequence));
        Assert.All(exchange.Replies, r => Assert.Equal("Quiet", r.Completion));
        Assert.True(exchange.Replies[0].ConnectMs > 0);
        Assert.Equal(0, exchange.Replies[1].ConnectMs);
        Assert.Equal(Encoding.UTF8.GetBytes("第二"), exchange.Replies[1].Bytes);
    }

    [Fact]
    public async Task A_peer_that_answers_and_closes_ends_the_reply_at_once()
    {
        var port = Loopback.FreeTcpPort();
        using var peer = PeerProcess.Start("socat", $"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork SYSTEM:\"head -c 5; echo -n done\"", port);
        var options = Options(port, "hello") with { QuietPeriod = TimeSpan.FromSeconds(10) };
        var watch = Stopwatch.StartNew();
        var reply = Assert.Single((await TcpMessageClient.ExchangeAsync(Local, options, default)).Value!.Replies);
        Assert.Equal("hellodone", reply.Text);
        Assert.Equal("PeerClosed", reply.Completion);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), "waited for the quiet period although the peer closed");
    }

    [Fact]
    public async Task No_answer_is_a_row_not_an_error()
    {
        var port = Loopback.FreeTcpPort();
        using var peer = PeerProcess.Start("socat", $"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork SYSTEM:\"cat >/dev/null\"", port);
        var options = Options(port, "anyone?") with { ReadTimeout = TimeSpan.FromSeconds(0.5) };
        var exchange = (await TcpMessageClient.ExchangeAsync(Local, options, default)).Value!;
        var reply = Assert.Single(exchange.Replies);
        Assert.Equal(("NoReply", 0), (reply.Completion, reply.ReceivedBytes));
        Assert.Null(exchange.Failure);
    }

    [Fact]
    public async Task Retries_wait_for_a_server_that_comes_up_late()
    {
        var port = Loopback.FreeTcpPort();
        var options = Options(port, "late") with
        {
            Retry = new RetryPolicy { MaxRetries = 20, BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(200) },
        };
        var exchange = TcpMessageClient.ExchangeAsync(Local, options, default);
        await Task.Delay(700);
        await using var server = await TcpEchoServer.StartAsync(new TcpEchoServerOptions { Port = port });
        var reply = Assert.Single((await exchange).Value!.Replies);
        Assert.Equal("late", reply.Text);
        Assert.True(reply.Attempts > 1, $"attempts {reply.Attempts}");
    }

    [Fact]
    public async Task Without_retries_a_refusal_is_reported_once()
    {
        var exchange = (await TcpMessageClient.ExchangeAsync(Local, Options(Loopback.FreeTcpPort(), "x"), default)).Value!;
        Assert.Empty(exchange.Replies);
        Assert.Equal("ConnectionRefused", exchange.Failure!.ErrorId);
    }

    [Fact]
    public async Task Tls_to_openssl_s_server_with_a_self_signed_certificate()
    {
        using var dir = new TempDir();
        var key = Path.Combine(dir.Path, "key.pem");
        var cert = Path.Combine(dir.Path, "cert.pem");
        PeerProcess.Run("openssl", $"req -x509 -newkey rsa:2048 -nodes -keyout {key} -out {cert} -days 2 -subj /CN=test.local");
        var port = Loopback.FreeTcpPort();
        using var server = PeerProcess.Start("openssl", $"s_server -accept 127.0.0.1:{port} -cert {cert} -key {key} -quiet -rev", port);

        var strict = (await TcpMessageClient.ExchangeAsync(Local, Options(port, "x") with { UseTls = true, ServerName = "test.local" }, default)).Value!;
        // Issue 11: an untrusted certificate has its own id everywhere, and advice about parameters is the cmdlet layer's.
        Assert.Equal("CertificateUntrusted", strict.Failure!.ErrorId);
        Assert.DoesNotContain("-SkipCertificateCheck", strict.Failure.Message, StringComparison.Ordinal);

        var options = Options(port, "abc\n") with { UseTls = true, Tls = new TlsTrust { SkipCertificateCheck = true }, ReadTimeout = TimeSpan.FromSeconds(3) };
        var exchange = (await TcpMessageClient.ExchangeAsync(Local, options, default)).Value!;
        Assert.Null(exchange.Failure);
        var reply = Assert.Single(exchange.Replies);
        // s_server -rev answers each line reversed.
        Assert.Contains("cba", reply.Text, StringComparison.Ordinal);
        Assert.Equal("Tls", reply.Protocol);
        Assert.StartsWith("Tls", reply.TlsProtocol, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_to_a_plain_text_port_is_a_clear_error_not_a_hang()
    {
        var (echo, echoPort) = Loopback.SocatTcpEcho();
        using var _ = echo;
        var silentPort = Loopback.FreeTcpPort();
        using var silent = PeerProcess.Start("socat", $"TCP-LISTEN:{silentPort},bind=127.0.0.1,reuseaddr,fork SYSTEM:\"sleep 30\"", silentPort);
        // A port that echoes the ClientHello is not TLS; a silent one is a timeout (issue 11: the shared ids).
        foreach (var (port, id, says) in new[] { (echoPort, "TlsFailed", "plain-text port"), (silentPort, "Timeout", "no TLS answer") })
        {
            var watch = Stopwatch.StartNew();
            var options = Options(port, "x") with { UseTls = true, Tls = new TlsTrust { SkipCertificateCheck = true }, ConnectTimeout = TimeSpan.FromSeconds(1) };
            var exchange = (await TcpMessageClient.ExchangeAsync(Local, options, default)).Value!;
            Assert.Equal(id, exchange.Failure!.ErrorId);
            Assert.Contains(says, exchange.Failure.Message, StringComparison.Ordinal);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"port {port} took {watch.Elapsed}");
        }
    }

    [Fact]
    public async Task Udp_datagrams_to_socat_each_get_their_answer()
    {
        var (peer, port) = Loopback.SocatUdpEcho();
        using var _ = peer;
        var exchange = (await UdpMessageClient.ExchangeAsync(Local, Options(port, "one", "二"), default)).Value!;
        Assert.Null(exchange.Failure);
        Assert.Equal(["one", "二"], exchange.Replies.Select(r => r.Text));
    }

    [Fact]
    public async Task Udp_no_response_sends_without_waiting_and_refusal_is_reported()
    {
        var (peer, port) = Loopback.SocatUdpEcho();
        using var _ = peer;
        var watch = Stopwatch.StartNew();
        var sent = (await UdpMessageClient.ExchangeAsync(Local, Options(port, "fire") with { NoResponse = true, ReadTimeout = TimeSpan.FromSeconds(10) }, default)).Value!;
        Assert.Equal("NotAwaited", Assert.Single(sent.Replies).Completion);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2));

        var refused = (await UdpMessageClient.ExchangeAsync(Local, Options(Loopback.FreeUdpPort(), "a", "b"), default)).Value!;
        Assert.Equal("ConnectionRefused", refused.Failure!.ErrorId);
    }

    [Fact]
    public async Task An_oversized_datagram_is_refused_with_a_clear_message()
    {
        var options = new MessageOptions { Port = 9, Payloads = [new byte[70_000]] };
        var exchange = (await UdpMessageClient.ExchangeAsync(Local, options, default)).Value!;
        Assert.Equal("MessageTooLarge", exchange.Failure!.ErrorId);
        Assert.Contains("65,507", exchange.Failure.Message, StringComparison.Ordinal);
    }
}
