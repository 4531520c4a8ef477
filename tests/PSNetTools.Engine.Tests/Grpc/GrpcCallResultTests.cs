using PSNetTools.Grpc;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Grpc;

/// <summary>
/// Issue 13 gRPC items 1, 2 and 5 in the engine: <see cref="GrpcCallOptions.Completed"/> reports how a call ended,
/// <see cref="GrpcCallOptions.Compression"/> compresses the requests, <see cref="GrpcConnectionOptions.ServerName"/>
/// overrides the authority. Against grpc-server.js, which echoes the request's grpc-encoding and :authority.
/// </summary>
public sealed class GrpcCallResultTests
{
    private static Dictionary<string, object?> Body(params (string Key, object? Value)[] fields) => fields.ToDictionary(f => f.Key, f => f.Value);

    [Fact]
    public async Task Completed_reports_status_headers_trailers_and_encodings_before_the_responses_end()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using var _ = peer;
        using var client = GrpcTestClient.Plain(address);
        GrpcCallResult? result = null;
        var options = new GrpcCallOptions
        {
            Compression = "gzip",
            Metadata = new Dictionary<string, object> { ["x-case"] = "one" },
            Completed = r => result = r,
        };
        var replies = await client.CallAsync("test.v1.KitchenSink/EchoStream", [Body(("string_value", new string('z', 500)))], options);
        Assert.Equal(3, replies.Count);
        Assert.NotNull(result);
        Assert.Equal(("test.v1.KitchenSink/EchoStream", "OK", 3), (result.Method, result.Status, result.ResponseCount));
        Assert.Equal("one", result.GetResponseHeaders()["x-case"]);
        Assert.Equal("gzip", result.GetResponseHeaders()["x-request-encoding"]);
        Assert.Equal("echo", result.GetTrailers()["x-trailer"]);
        Assert.Equal("x-trailer: echo", result.Trailers);
        Assert.Equal(("gzip", "identity", false), (result.RequestEncoding, result.ResponseEncoding, result.ResponseCompressed));
    }

    [Fact]
    public async Task Completed_reports_a_failed_call_too()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using var _ = peer;
        using var client = GrpcTestClient.Plain(address);
        GrpcCallResult? result = null;
        var failure = await Assert.ThrowsAsync<GrpcCallException>(() =>
            client.CallAsync("test.v1.KitchenSink/Fail", [Body(("code", 9), ("detail", "not now"))], new GrpcCallOptions { Completed = r => result = r }));
        Assert.Equal(GrpcStatusCode.FailedPrecondition, failure.Status);
        Assert.NotNull(result);
        Assert.Equal(("FailedPrecondition", "not now", 0, "9"), (result.Status, result.Detail, result.ResponseCount, result.GetTrailers()["x-fail-code"]));
    }

    [Fact]
    public async Task An_unknown_compression_is_refused_before_anything_is_sent()
    {
        var (peer, address) = GrpcPeers.NodeGrpc();
        using var _ = peer;
        using var client = GrpcTestClient.Plain(address);
        await Assert.ThrowsAsync<ArgumentException>(() => client.CallAsync("demo.v1.Greeter/SayHello", [null], new GrpcCallOptions { Compression = "brotli" }));
    }

    [Fact]
    public async Task Server_name_sets_the_authority_and_the_certificate_name_while_connecting_to_the_address()
    {
        var (peer, address) = GrpcPeers.NodeGrpc(tls: true, certificate: "interop");
        using var _ = peer;
        using var ca = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(TestCertificates.File("ca.crt"));
        using var client = GrpcClient.Open(new GrpcConnectionOptions { Address = address, ServerName = "foo.test.google.fr", TrustedRoots = [ca] });
        GrpcCallResult? result = null;
        await client.CallAsync("test.v1.KitchenSink/Echo", [null], new GrpcCallOptions { Completed = r => result = r });
        Assert.Equal($"foo.test.google.fr:{address.Split(':')[1]}", result!.GetResponseHeaders()["x-request-authority"]);
        // Without the override the certificate (for *.test.google.fr) does not match 127.0.0.1.
        using var plain = GrpcClient.Open(new GrpcConnectionOptions { Address = address, TrustedRoots = [ca] });
        var failure = await Assert.ThrowsAsync<GrpcCallException>(() => plain.CallAsync("test.v1.KitchenSink/Echo", [null]));
        Assert.Equal("CertificateUntrusted", failure.Failure.ErrorId);
    }
}
