using PSNetTools.Grpc;

namespace PSNetTools.Engine.Tests.Grpc;

/// <summary>Shorthands for calling a method with bodies the way the cmdlet does: encode first, then call.</summary>
internal static class GrpcTestClient
{
    public static GrpcClient Plain(string address, GrpcDescriptorOptions? descriptors = null) =>
        GrpcClient.Open(new GrpcConnectionOptions { Address = address, Plaintext = true, ConnectTimeout = TimeSpan.FromSeconds(5) }, descriptors);

    public static async Task<List<object?>> CallAsync(this GrpcClient client, string method, IEnumerable<object?> bodies, GrpcCallOptions? options = null, CancellationToken cancellationToken = default)
    {
        var info = await client.ResolveMethodAsync(method, cancellationToken);
        var encoded = bodies.Select(b => client.EncodeRequest(info, b)).ToList();
        var results = new List<object?>();
        await foreach (var response in client.CallAsync(info, encoded.ToAsyncEnumerable(), options ?? new GrpcCallOptions(), null, cancellationToken))
        {
            results.Add(response);
        }
        return results;
    }

    public static async Task<object?> UnaryAsync(this GrpcClient client, string method, object? body, GrpcCallOptions? options = null) =>
        Assert.Single(await client.CallAsync(method, [body], options));

    private static async IAsyncEnumerable<T> ToAsyncEnumerable<T>(this IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }
}
