using System.Diagnostics;
using PSNetTools.Grpc;
using PSNetTools.Grpc.Codec;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Grpc;

/// <summary>Dynamic calls through server reflection against the Node.js peer (@grpc/grpc-js + @grpc/reflection).</summary>
public sealed class GrpcReflectionCallTests
{
    private static Dictionary<string, object?> Body(params (string Key, object? Value)[] fields) => fields.ToDictionary(f => f.Key, f => f.Value);

    [Fact]
    public async Task Unary_call_resolves_the_method_by_reflection_and_decodes_the_reply()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using var _ = peer;
        using var client = GrpcTestClient.Plain(address);
        var reply = Assert.IsType<ProtoMessage>(await client.UnaryAsync("demo.v1.Greeter/SayHello", Body(("name", "PowerShell"))));
        Assert.Equal("demo.v1.HelloReply", reply.TypeName);
        Assert.Equal("Hello PowerShell", reply["message"]);
        Assert.Contains("reflection", client.DescriptorSource, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Method_names_take_the_dotted_form_and_a_unique_short_service_name()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using var _ = peer;
        using var client = GrpcTestClient.Plain(address);
        Assert.Equal("demo.v1.Greeter/SayHello", (await client.ResolveMethodAsync("demo.v1.Greeter.SayHello", default)).Name);
        Assert.Equal("demo.v1.Greeter/SayHello", (await client.ResolveMethodAsync("/demo.v1.Greeter/SayHello", default)).Name);
        Assert.Equal("demo.v1.Greeter/SayHello", (await client.ResolveMethodAsync("Greeter/SayHello", default)).Name);
    }

    [Fact]
    public async Task Server_streaming_yields_each_message_in_order()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using var _ = peer;
        using var client = GrpcTestClient.Plain(address);
        var replies = await client.CallAsync("demo.v1.Greeter/StreamHellos", [Body(("name", "ps"), ("count", 4))]);
        Assert.Equal(["Hello ps #0", "Hello ps #1", "Hello ps #2", "Hello ps #3"], replies.Cast<ProtoMessage>().Select(r => (string?)r["message"]));
    }

    [Fact]
    public async Task Client_streaming_sends_every_body_on_one_call()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using var _ = peer;
        using var client = GrpcTestClient.Plain(address);
        var reply = Assert.IsType<ProtoMessage>(Assert.Single(await client.CallAsync("demo.v1.Greeter/CollectHellos", [Body(("name", "a")), Body(("name", "b")), Body(("name", "c"))])));
        Assert.Equal("Hello a,b,c", reply["message"]);
        var sum = Assert.IsType<ProtoMessage>(Assert.Single(await client.CallAsync("test.v1.KitchenSink/Sum", [Body(("a", 1), ("b", 2)), Body(("a", 10), ("b", 20))])));
        Assert.Equal(33L, sum["total"]);
    }

    [Fact]
    public async Task Bidi_streaming_answers_each_message()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using var _ = peer;
        using var client = GrpcTestClient.Plain(address);
        var replies = await client.CallAsync("demo.v1.Greeter/Chat", [Body(("name", "x")), Body(("name", "y"))]);
        Assert.Equal(["Hello x", "Hello y"], replies.Cast<ProtoMessage>().Select(r => (string?)r["message"]));
    }

    [Fact]
    public async Task A_status_other_than_ok_becomes_an_exception_with_status_and_detail()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using var _ = peer;
        using var client = GrpcTestClient.Plain(address);
        var ex = await Assert.ThrowsAsync<GrpcCallException>(() => client.UnaryAsync("test.v1.KitchenSink/Fail", Body(("code", 9), ("detail", "余额不足"))));
        Assert.Equal(GrpcStatusCode.FailedPrecondition, ex.Status);
        Assert.Equal("余额不足", ex.Detail);
        Assert.Contains("test.v1.KitchenSink/Fail", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_deadline_is_honoured()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using var _ = peer;
        using var client = GrpcTestClient.Plain(address);
        await client.ResolveMethodAsync("test.v1.KitchenSink/Slow", default);
        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<GrpcCallException>(() => client.UnaryAsync("test.v1.KitchenSink/Slow", Body(("delay_ms", 10_000)), new GrpcCallOptions { Deadline = TimeSpan.FromMilliseconds(300) }));
        Assert.Equal(GrpcStatusCode.DeadlineExceeded, ex.Status);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"the deadline fired after {watch.Elapsed}");
        Assert.DoesNotContain("-DeadlineSec", ex.Message, StringComparison.Ordinal); // Issue 11: advice about parameters is the cmdlet layer's (RecommendedAction).
    }

    [Fact]
    public async Task Unknown_service_and_method_name_what_is_there()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using var _ = peer;
        using var client = GrpcTestClient.Plain(address);
        var service = await Assert.ThrowsAsync<GrpcCallException>(() => client.ResolveMethodAsync("nope.Missing/Call", default));
        Assert.Equal(GrpcStatusCode.NotFound, service.Status);
        Assert.Contains("demo.v1.Greeter", service.Message, StringComparison.Ordinal);
        var method = await Assert.ThrowsAsync<GrpcCallException>(() => client.ResolveMethodAsync("demo.v1.Greeter/Shout", default));
        Assert.Contains("SayHello", method.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => client.ResolveMethodAsync("SayHello", default));
    }

    [Fact]
    public async Task A_body_field_that_does_not_exist_or_has_the_wrong_type_is_named()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using var _ = peer;
        using var client = GrpcTestClient.Plain(address);
        var info = await client.ResolveMethodAsync("test.v1.KitchenSink/Echo", default);
        var unknown = Assert.Throws<ProtoValueException>(() => client.EncodeRequest(info, Body(("no_such_field", 1))));
        Assert.Equal("body.no_such_field", unknown.FieldPath);
        Assert.Contains("int32_value", unknown.Message, StringComparison.Ordinal);
        var wrong = Assert.Throws<ProtoValueException>(() => client.EncodeRequest(info, Body(("int32Value", "ten"))));
        Assert.Equal("body.int32_value", wrong.FieldPath);
        var range = Assert.Throws<ProtoValueException>(() => client.EncodeRequest(info, Body(("uint32_value", -1))));
        Assert.Contains("out of range", range.Message, StringComparison.Ordinal);
        var nested = Assert.Throws<ProtoValueException>(() => client.EncodeRequest(info, Body(("repeated_inner", new object[] { Body(("name", "a")), Body(("value", "x")) }))));
        Assert.Equal("body.repeated_inner[1].value", nested.FieldPath);
        var color = Assert.Throws<ProtoValueException>(() => client.EncodeRequest(info, Body(("color", "PURPLE"))));
        Assert.Contains("GREEN", color.Message, StringComparison.Ordinal);
        var oneof = Assert.Throws<ProtoValueException>(() => client.EncodeRequest(info, Body(("text", "a"), ("inner", Body(("name", "b"))))));
        Assert.Contains("oneof", oneof.Message, StringComparison.Ordinal);
        var scalarForMessage = Assert.Throws<ProtoValueException>(() => client.EncodeRequest(info, Body(("nested", 5))));
        Assert.Equal("body.nested", scalarForMessage.FieldPath);
    }

    [Fact]
    public async Task Connection_refused_is_unavailable_with_a_hint()
    {
        using var client = GrpcTestClient.Plain($"127.0.0.1:{Loopback.ClosedTcpPort()}");
        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<GrpcCallException>(() => client.ResolveMethodAsync("demo.v1.Greeter/SayHello", default));
        Assert.Equal(GrpcStatusCode.Unavailable, ex.Status);
        Assert.DoesNotContain("-Plaintext", ex.Message, StringComparison.Ordinal); // Issue 11: advice about parameters is the cmdlet layer's (RecommendedAction).
        Assert.Equal("ConnectionRefused", ex.Failure.ErrorId);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("::1:50051")]
    [InlineData("ftp://127.0.0.1:21")]
    [InlineData("127.0.0.1:99999")]
    public void Bad_addresses_say_how_to_write_one(string address)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => GrpcConnection.ParseAddress(address, plaintext: true));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Theory]
    [InlineData("127.0.0.1:50051", true, "http://127.0.0.1:50051/")]
    [InlineData("localhost:443", false, "https://localhost/")]
    [InlineData("[::1]:50051", true, "http://[::1]:50051/")]
    [InlineData("https://127.0.0.1:8443/ignored", true, "https://127.0.0.1:8443/")]
    public void Addresses_become_channel_uris(string address, bool plaintext, string expected) =>
        Assert.Equal(expected, GrpcConnection.ParseAddress(address, plaintext).ToString());
}
