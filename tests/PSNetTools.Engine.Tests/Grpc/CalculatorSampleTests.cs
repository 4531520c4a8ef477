using PSNetTools.Grpc;
using PSNetTools.Grpc.Codec;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Grpc;

/// <summary>samples/CalculatorServer (ASP.NET Core + Grpc.AspNetCore): the seed's Calculator, a second server implementation.</summary>
public sealed class CalculatorSampleTests
{
    private static Dictionary<string, object?> Body(int a, int b) => new() { ["a"] = a, ["b"] = b };

    [Theory]
    [InlineData("both")]
    [InlineData("v1alpha")]
    public async Task Add_and_multiply_through_reflection_v1_or_the_v1alpha_fallback(string reflection)
    {
        var (peer, address) = GrpcPeers.CalculatorSample(reflection: reflection);
        using var _ = peer;
        using var client = GrpcTestClient.Plain(address);
        Assert.Equal(30, Assert.IsType<ProtoMessage>(await client.UnaryAsync("calculator.Calculator/Add", Body(10, 20)))["result"]);
        Assert.Equal(200, Assert.IsType<ProtoMessage>(await client.UnaryAsync("calculator.Calculator/Multiply", Body(10, 20)))["result"]);
        Assert.Contains(reflection == "both" ? "grpc.reflection.v1." : "v1alpha", client.DescriptorSource, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_reflection_the_error_says_to_give_the_proto_file()
    {
        var (peer, address) = GrpcPeers.CalculatorSample(reflection: "none");
        using var _ = peer;
        using var client = GrpcTestClient.Plain(address);
        var ex = await Assert.ThrowsAsync<GrpcCallException>(() => client.ResolveMethodAsync("calculator.Calculator/Add", default));
        Assert.DoesNotContain("-ProtoFile", ex.Message, StringComparison.Ordinal); // Issue 11: advice about parameters is the cmdlet layer's (RecommendedAction).
    }

    [Fact]
    public async Task Overflow_is_a_server_error_with_its_status()
    {
        var (peer, address) = GrpcPeers.CalculatorSample();
        using var _ = peer;
        using var client = GrpcTestClient.Plain(address);
        var ex = await Assert.ThrowsAsync<GrpcCallException>(() => client.UnaryAsync("calculator.Calculator/Multiply", Body(int.MaxValue, 2)));
        Assert.Equal(GrpcStatusCode.OutOfRange, ex.Status);
    }

    [Fact]
    public async Task Health_and_method_listing()
    {
        var (peer, address) = GrpcPeers.CalculatorSample();
        using var _ = peer;
        using var connection = GrpcConnection.Open(new GrpcConnectionOptions { Address = address, Plaintext = true });
        Assert.Equal("Serving", (await GrpcHealthChecker.CheckAsync(connection, "calculator.Calculator", TimeSpan.FromSeconds(5), default)).Status);
        using var client = GrpcTestClient.Plain(address);
        var methods = new List<GrpcMethodInfo>();
        await foreach (var m in client.ListMethodsAsync(s => s.StartsWith("calculator.", StringComparison.Ordinal), default)) methods.Add(m);
        Assert.Equal(["calculator.Calculator/Add", "calculator.Calculator/Multiply"], methods.Select(m => m.Name));
        Assert.All(methods, m => Assert.Equal("Unary", m.Kind));
        Assert.Equal("a int32, b int32", methods[0].RequestFields);
        Assert.Equal("calculator.AddResponse", methods[0].ResponseType);
    }
}
