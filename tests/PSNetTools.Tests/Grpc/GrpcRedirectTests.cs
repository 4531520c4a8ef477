using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Grpc;

/// <summary>
/// Issue 10 item 14 asks every client that could follow a redirect not to carry the caller's secrets to another
/// origin. gRPC clients follow none: a 3xx answer fails the call at once, so -Metadata (x-api-key, cookie) never
/// reaches the host it points to. Peer: tests/peers/hostile/grpc_redirect.js, which records what lands on its second host.
/// </summary>
public sealed class GrpcRedirectTests
{
    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    public void A_redirect_fails_the_call_and_the_metadata_goes_nowhere_else(int status)
    {
        var port = Loopback.FreeTcpPort();
        var target = Loopback.FreeTcpPort();
        using var temp = new TempDir();
        var log = Path.Combine(temp.Path, "landed.jsonl");
        using var peer = PeerProcess.Start("env", $"STATUS={status} node {Path.Combine(PeerProcess.RepoRoot, "tests", "peers", "hostile", "grpc_redirect.js")} {port} {target} {log}", port);
        var proto = Path.Combine(PeerProcess.RepoRoot, "tests", "peers", "rpc", "grpc", "greeter.proto");
        var r = Ps.Run($$"""
            Invoke-GrpcMethod 127.0.0.1:{{port}} demo.v1.Greeter/SayHello -Plaintext -ProtoFile '{{proto}}' -Body @{ name = 'x' } -Metadata @{ 'x-api-key' = 's3cret'; cookie = 'session=s3cret' } -DeadlineSec 5
            """);
        var error = r.Terminating?.ErrorRecord ?? Assert.Single(r.Errors);
        Assert.Contains($"HTTP status code: {status}", error.Exception.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(log), $"a call reached the redirect's target: {(File.Exists(log) ? File.ReadAllText(log) : "")}");
        // Asked once: SocketsHttpHandler's own redirects asked the same server 51 times (its connect callback always
        // dials the address given) before the call failed.
        Assert.Single(File.ReadAllLines(log + ".redirects"));
    }
}
