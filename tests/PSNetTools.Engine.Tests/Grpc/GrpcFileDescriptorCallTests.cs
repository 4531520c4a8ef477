using Google.Protobuf;
using PSNetTools.Grpc;
using PSNetTools.Grpc.Codec;
using PSNetTools.Engine.Tests.Grpc.ProtoFiles;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Grpc;

/// <summary>Calls whose descriptors come from .proto files (our parser) or a protoc descriptor set, not from reflection.</summary>
public sealed class GrpcFileDescriptorCallTests
{
    private static Dictionary<string, object?> Body(params (string Key, object? Value)[] fields) => fields.ToDictionary(f => f.Key, f => f.Value);

    [Fact]
    public async Task A_parsed_proto_file_with_well_known_imports_drives_the_call()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using var _ = peer;
        using var client = GrpcTestClient.Plain(address, new GrpcDescriptorOptions { ProtoFiles = [GrpcPeers.KitchenSinkProto] });
        Assert.Equal("kitchensink.proto", client.DescriptorSource);
        var when = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var echo = Assert.IsType<ProtoMessage>(await client.UnaryAsync("test.v1.KitchenSink/Echo",
            Body(("created_at", when), ("int_map", new Dictionary<string, int> { ["a"] = 1 }), ("any_value", Body(("@type", "type.googleapis.com/test.v1.AddRequest"), ("a", 4))))));
        Assert.Equal(when, echo["createdAt"]);
        Assert.Equal(1, ((Dictionary<object, object?>)echo["intMap"]!)["a"]);
        Assert.Equal(4, ((ProtoMessage)echo["anyValue"]!)["a"]);
    }

    [Fact]
    public async Task A_protoc_descriptor_set_drives_the_call()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using var _ = peer;
        using var dir = new TempDir();
        var set = Protoc.DescriptorSet(GrpcPeers.ProtoDir, ["greeter.proto"], includeImports: true);
        var path = Path.Combine(dir.Path, "greeter.pb");
        await File.WriteAllBytesAsync(path, set.ToByteArray());
        using var client = GrpcTestClient.Plain(address, new GrpcDescriptorOptions { DescriptorSet = path });
        var replies = await client.CallAsync("demo.v1.Greeter/StreamHellos", [Body(("name", "set"), ("count", 2))]);
        Assert.Equal(["Hello set #0", "Hello set #1"], replies.Cast<ProtoMessage>().Select(r => (string?)r["message"]));
        var missing = await Assert.ThrowsAsync<GrpcCallException>(() => client.ResolveMethodAsync("test.v1.KitchenSink/Echo", default));
        Assert.Contains("demo.v1.Greeter", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Listing_offline_needs_no_server()
    {
        using var client = GrpcClient.Offline(new GrpcDescriptorOptions { ProtoFiles = [GrpcPeers.GreeterProto] });
        var methods = client.ListMethodsAsync(null, default).ToBlockingEnumerable().ToList();
        Assert.Equal(["Unary", "ServerStreaming", "ClientStreaming", "BidiStreaming"], methods.Select(m => m.Kind));
        Assert.Throws<ArgumentException>(() => GrpcClient.Offline(new GrpcDescriptorOptions()));
    }
}
