using PSNetTools.Grpc;
using PSNetTools.Grpc.Codec;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Grpc;

/// <summary>
/// Issue 11, point 3 (engine queues): a server stream whose consumer reads slowly stops being read off the wire, so
/// HTTP/2 flow control stops the server, instead of the client buffering the stream as fast as the server sends.
/// </summary>
public sealed class GrpcStreamBackpressureTests
{
    [Fact]
    public async Task A_slow_consumer_of_an_endless_server_stream_holds_the_server_back()
    {
        var port = Loopback.FreeTcpPort();
        using var flood = PeerProcess.Start("node", $"grpc/grpc-flood.js {port}", port, GrpcPeers.NodeDir);
        using var client = GrpcTestClient.Plain($"127.0.0.1:{port}");
        var method = await client.ResolveMethodAsync("demo.v1.Greeter/StreamHellos", CancellationToken.None);
        var request = client.EncodeRequest(method, new Dictionary<string, object?> { ["name"] = new string('x', 1000) });
        var taken = 0;
        await foreach (var reply in client.CallAsync(method, request, new GrpcCallOptions(), null, CancellationToken.None))
        {
            Assert.StartsWith($"{++taken} x", (string?)((ProtoMessage)reply!)["message"], StringComparison.Ordinal);
            await Task.Delay(100);
            if (taken == 20) break;
        }
        using var counter = GrpcTestClient.Plain($"127.0.0.1:{port}");
        var sent = long.Parse((string)((ProtoMessage)(await counter.UnaryAsync("demo.v1.Greeter/SayHello", new Dictionary<string, object?>()))!)["message"]!,
            System.Globalization.CultureInfo.InvariantCulture);
        // What is in flight is what HTTP/2 flow control lets through (the stream's receive window: about a hundred replies here)
        // plus the client's queue; a client that reads the stream into an unbounded queue takes the server's full
        // speed, tens of thousands of 1 KB replies in these two seconds.
        Assert.True(sent - taken < 2000, $"the server sent {sent:N0} replies while the consumer took {taken}");
    }
}
