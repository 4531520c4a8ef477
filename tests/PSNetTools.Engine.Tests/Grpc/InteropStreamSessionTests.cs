using System.Collections.Specialized;
using System.Diagnostics;
using PSNetTools.Grpc;
using PSNetTools.Grpc.Codec;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Grpc;

/// <summary>
/// GrpcStreamSession against the grpc-js interop server (tests/peers/rpc/interop): the stream interop cases at the
/// engine's level, with the timings that make lockstep bidi work (a reply is there while no next request is sent).
/// </summary>
public sealed class InteropStreamSessionTests(GrpcInteropPeer server) : IClassFixture<GrpcInteropPeer>
{
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);

    private async Task<GrpcStreamSession> OpenAsync(string method, GrpcCallOptions? options = null)
    {
        var client = GrpcTestClient.Plain(server.Address);
        var info = await client.ResolveMethodAsync("grpc.testing.TestService/" + method, CancellationToken.None);
        return GrpcStreamSession.Start(client, info, options ?? new GrpcCallOptions(), null);
    }

    private static OrderedDictionary Request(int responseSize, int payloadSize = 0) => new()
    {
        ["response_parameters"] = new object[] { new OrderedDictionary { ["size"] = responseSize } },
        ["payload"] = new OrderedDictionary { ["body"] = new byte[payloadSize] },
    };

    private static int BodyLength(object? reply) =>
        ((byte[])((ProtoMessage)((ProtoMessage)reply!)["payload"]!)["body"]!).Length;

    [Fact]
    public async Task Ping_pong_each_reply_arrives_while_no_next_request_is_sent()
    {
        await using var session = await OpenAsync("FullDuplexCall");
        var pairs = new[] { (27182, 31415), (8, 9), (1828, 2653), (45904, 58979) };
        foreach (var (request, response) in pairs)
        {
            var clock = Stopwatch.StartNew();
            await session.SendAsync(Request(response, request), SendTimeout);
            var reply = await session.ReceiveAsync(5);
            Assert.Equal(response, BodyLength(reply));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"the reply to {request} bytes took {clock.ElapsedMilliseconds} ms");
        }
        Assert.Equal("Open", session.State);
        await session.CompleteAsync();
        Assert.Null(await session.ReceiveAsync(5));
        Assert.Equal("OK", session.Status);
        Assert.Equal((4L, 4L), (session.MessagesSent, session.MessagesReceived));
    }

    [Fact]
    public async Task A_receive_that_times_out_leaves_the_stream_open()
    {
        await using var session = await OpenAsync("FullDuplexCall");
        await Assert.ThrowsAsync<TimeoutException>(() => session.ReceiveAsync(0.2));
        await session.SendAsync(Request(3), SendTimeout);
        Assert.Equal(3, BodyLength(await session.ReceiveAsync(5)));
    }

    [Fact]
    public async Task Client_streaming_answers_after_the_half_close()
    {
        await using var session = await OpenAsync("StreamingInputCall");
        foreach (var size in new[] { 27182, 8, 1828, 45904 })
        {
            await session.SendAsync(new OrderedDictionary { ["payload"] = new OrderedDictionary { ["body"] = new byte[size] } }, SendTimeout);
        }
        Assert.Equal("Open", session.State);
        await session.CompleteAsync();
        var reply = (ProtoMessage)(await session.ReceiveAsync(5))!;
        Assert.Equal(74922, reply["aggregatedPayloadSize"]);
        Assert.Null(await session.ReceiveAsync(5));
        Assert.Equal("OK", session.Status);
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.SendAsync(new OrderedDictionary(), SendTimeout));
    }

    [Fact]
    public async Task A_status_the_server_ends_with_comes_after_the_replies_before_it()
    {
        await using var session = await OpenAsync("FullDuplexCall");
        await session.SendAsync(Request(5), SendTimeout);
        await session.SendAsync(new OrderedDictionary { ["response_status"] = new OrderedDictionary { ["code"] = 2, ["message"] = "test status message" } }, SendTimeout);
        Assert.Equal(5, BodyLength(await session.ReceiveAsync(5)));
        var failure = await Assert.ThrowsAsync<GrpcCallException>(() => session.ReceiveAsync(5));
        Assert.Equal((GrpcStatusCode.Unknown, "test status message"), (failure.Status, failure.Detail));
        Assert.Equal(("Unknown", "test status message", "Closed"), (session.Status, session.StatusDetail, session.State));
        // A send on the ended call reports its status, not a transport error.
        var late = await Assert.ThrowsAsync<GrpcCallException>(() => session.SendAsync(Request(1), SendTimeout));
        Assert.Equal(GrpcStatusCode.Unknown, late.Status);
    }

    [Fact]
    public async Task Cancel_after_first_response_and_the_close_is_idempotent()
    {
        var session = await OpenAsync("FullDuplexCall");
        await session.SendAsync(Request(31415, 27182), SendTimeout);
        Assert.Equal(31415, BodyLength(await session.ReceiveAsync(5)));
        Assert.Contains(session, GrpcStreamSession.Active());
        var clock = Stopwatch.StartNew();
        await session.CloseAsync(cancel: true, TimeSpan.FromSeconds(10));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the cancel took {clock.ElapsedMilliseconds} ms");
        Assert.Equal(("Cancelled", "Closed"), (session.Status, session.State));
        Assert.DoesNotContain(session, GrpcStreamSession.Active());
        await session.CloseAsync(cancel: true, TimeSpan.FromSeconds(10));
        await session.DisposeAsync();
        var after = await Assert.ThrowsAsync<GrpcCallException>(() => session.ReceiveAsync(1));
        Assert.Equal(GrpcStatusCode.Cancelled, after.Status);
    }

    [Fact]
    public async Task Timeout_on_sleeping_server_is_deadline_exceeded_when_it_happens()
    {
        await using var session = await OpenAsync("FullDuplexCall", new GrpcCallOptions { Deadline = TimeSpan.FromMilliseconds(1) });
        var clock = Stopwatch.StartNew();
        try
        {
            await session.SendAsync(Request(31415, 27182), SendTimeout);
        }
        catch (GrpcCallException)
        {
            // The deadline may pass before the write.
        }
        // On loopback the reply may beat the 1 ms deadline; the call still ends DEADLINE_EXCEEDED, never OK.
        var failure = await Assert.ThrowsAsync<GrpcCallException>(async () =>
        {
            while (await session.ReceiveAsync(10) is not null)
            {
            }
        });
        Assert.Equal(GrpcStatusCode.DeadlineExceeded, failure.Status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the deadline was reported after {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task A_graceful_close_lets_the_server_finish_and_keeps_its_trailers()
    {
        var client = GrpcTestClient.Plain(server.Address);
        var info = await client.ResolveMethodAsync("grpc.testing.TestService/FullDuplexCall", CancellationToken.None);
        var metadata = new Dictionary<string, object> { ["x-grpc-test-echo-initial"] = "test_initial_metadata_value", ["x-grpc-test-echo-trailing-bin"] = new byte[] { 0xab, 0xab, 0xab } };
        var session = GrpcStreamSession.Start(client, info, new GrpcCallOptions { Metadata = metadata }, null);
        // Replies nobody reads: more than the queue holds, so the close must drain them to let the server finish.
        for (var i = 0; i < GrpcStreamSession.ReceiveQueueCapacity + 4; i++) await session.SendAsync(Request(100), SendTimeout);
        await session.CloseAsync(cancel: false, TimeSpan.FromSeconds(10));
        Assert.Equal(("OK", "Closed"), (session.Status, session.State));
        Assert.Equal("test_initial_metadata_value", session.ResponseHeaders["x-grpc-test-echo-initial"]);
        Assert.Equal(Convert.ToBase64String([0xab, 0xab, 0xab]), session.Trailers["x-grpc-test-echo-trailing-bin"]);
    }

    [Fact]
    public async Task Unary_and_server_streaming_methods_are_no_stream()
    {
        using var client = GrpcTestClient.Plain(server.Address);
        var info = await client.ResolveMethodAsync("grpc.testing.TestService/StreamingOutputCall", CancellationToken.None);
        var error = Assert.Throws<ArgumentException>(() => GrpcStreamSession.Start(client, info, new GrpcCallOptions(), null));
        Assert.Contains("ServerStreaming", error.Message, StringComparison.Ordinal);
    }
}
