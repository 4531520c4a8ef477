using System.Net;
using System.Text;
using PSNetTools.Net;
using PSNetTools.Testing;
using PSNetTools.Transport;

namespace PSNetTools.Engine.Tests.Transport;

/// <summary>
/// Issue 13 item 18: an echo server that answers every read behind a prefix (the seed's select() server:
/// "服务器回应: " + data per recv(1024)) sends a long message back as many prefixed pieces; the whole reply stream is
/// the echo. Peer: tests/peers/transport/prefix_echo_server.py.
/// </summary>
public class PrefixedEchoTests
{
    private static readonly ResolvedTarget Local = new("127.0.0.1", IPAddress.Loopback);

    private static string Script => Path.Combine(PeerProcess.RepoRoot, "tests", "peers", "transport", "prefix_echo_server.py");

    public static TheoryData<int, string> Sizes => new()
    {
        { 1, "服务器回应: " }, { 16 * 1024, "服务器回应: " }, { 64 * 1024, "服务器回应: " }, { 1024 * 1024, "服务器回应: " },
        { 16 * 1024, "ECHO: " }, { 1024 * 1024, "ECHO: " },
    };

    // Letters in a cycle that the prefix shares ('E', 'C', 'H', 'O' and the space occur in it), so piece ends are ambiguous.
    private static string Payload(int length) =>
        string.Create(length, 0, static (span, _) => { for (var i = 0; i < span.Length; i++) span[i] = "ECHO abcdefghij: 0123456789"[i % 27]; });

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task A_reply_in_prefixed_pieces_matches_at_every_size(int size, string prefix)
    {
        var port = Loopback.FreeTcpPort();
        using var peer = PeerProcess.Start("python3", $"{Script} {port} \"{prefix}\"", port);
        foreach (var message in new[] { new string('x', size), Payload(size) })
        {
            var outcome = await TcpEchoProbe.ProbeAsync(Local, new EchoProbeOptions { Port = port, Message = message, Count = 2, Timeout = TimeSpan.FromSeconds(10) }, default);
            var r = outcome.Value!;
            Assert.Null(outcome.Failure);
            Assert.Equal((2, 2, 2, true), (r.Sent, r.Received, r.Matched, r.AllMatched));
            Assert.StartsWith(prefix, r.LastReply, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("hello", true)]                                  // a plain echo
    [InlineData("服务器已收到: hello", true)]                      // the seed's blocking server: one prefixed piece
    [InlineData("P: heP: lP: lo", true)]                         // three pieces, one prefix
    [InlineData("P: heQ: llo", false)]                           // two prefixes
    [InlineData("P: hello: P: x", false)]                        // more than the message
    [InlineData("P: hel", false)]                                // not all of it yet
    [InlineData("helloP: ", false)]                              // a prefix with no piece after it
    [InlineData("P: hellP: P: o", false)]                        // an empty piece
    [InlineData("P: helP: lO", false)]                           // one byte changed
    public void The_matcher_takes_the_message_in_pieces_behind_one_prefix(string reply, bool complete)
    {
        var matcher = new EchoStreamMatcher(Encoding.UTF8.GetBytes("hello"));
        // Fed a byte at a time: the reads' boundaries are the network's, not the server's pieces.
        foreach (var b in Encoding.UTF8.GetBytes(reply)) matcher.Feed([b]);
        Assert.Equal(complete, matcher.Complete);
    }

    [Fact]
    public void A_message_made_of_the_prefixs_bytes_still_matches()
    {
        var message = Encoding.UTF8.GetBytes("ababab");
        var matcher = new EchoStreamMatcher(message);
        matcher.Feed("ab: abaab: bab"u8);
        Assert.True(matcher.Complete);
    }
}
