using System.Collections;
using PSNetTools.Grpc;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Grpc;

/// <summary>
/// What the gRPC completers list: the methods the command line already points at. With -ProtoFile or -DescriptorSet
/// they come from the files, offline (no address needed); otherwise from server reflection at -Address, trying h2c
/// too when -Plaintext was not typed (users press Tab before they remember it). Everything within one budget.
/// </summary>
internal static class GrpcCompletion
{
    public static IReadOnlyList<GrpcMethodInfo> Methods(IDictionary bound)
    {
        try
        {
            using var budget = new CancellationTokenSource(CompleterValues.NetworkBudget);
            var descriptors = Descriptors(bound);
            if (!descriptors.UsesReflection)
            {
                using var offline = GrpcClient.Offline(descriptors);
                return Task.Run(() => ListAsync(offline, budget.Token), budget.Token).GetAwaiter().GetResult();
            }
            if (CompleterValues.Text(bound, "Address") is not { Length: > 0 } address) return [];
            var plaintext = CompleterValues.IsSet(bound, "Plaintext");
            var skip = CompleterValues.IsSet(bound, "SkipCertificateCheck");
            return Task.Run(async () =>
            {
                try
                {
                    return await FromServerAsync(address, plaintext, skip, budget.Token).ConfigureAwait(false);
                }
                catch (GrpcCallException) when (!plaintext && !address.Contains("://", StringComparison.Ordinal) && !budget.IsCancellationRequested)
                {
                    return await FromServerAsync(address, plaintext: true, skip, budget.Token).ConfigureAwait(false);
                }
            }, budget.Token).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is GrpcCallException or OperationCanceledException or ArgumentException or FormatException or IOException or UnauthorizedAccessException)
        {
            // A completer that throws shows nothing anyway; the command itself reports the problem when run.
            return [];
        }
    }

    private static GrpcDescriptorOptions Descriptors(IDictionary bound)
    {
        var protoFiles = CompleterValues.Texts(bound, "ProtoFile").Select(CompleterValues.ProviderPath).OfType<string>().ToList();
        var importPaths = CompleterValues.Texts(bound, "ImportPath").Select(CompleterValues.ProviderPath).OfType<string>().ToList();
        var set = CompleterValues.Text(bound, "DescriptorSet") is { Length: > 0 } s ? CompleterValues.ProviderPath(s) : null;
        return new GrpcDescriptorOptions { ProtoFiles = protoFiles, ImportPaths = importPaths, DescriptorSet = set };
    }

    private static async Task<IReadOnlyList<GrpcMethodInfo>> FromServerAsync(string address, bool plaintext, bool skipCertificateCheck, CancellationToken cancellationToken)
    {
        using var client = GrpcClient.Open(new GrpcConnectionOptions
        {
            Address = address,
            Plaintext = plaintext,
            SkipCertificateCheck = skipCertificateCheck,
            ConnectTimeout = TimeSpan.FromSeconds(2),
        });
        return await ListAsync(client, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<GrpcMethodInfo>> ListAsync(GrpcClient client, CancellationToken cancellationToken)
    {
        var methods = new List<GrpcMethodInfo>();
        await foreach (var m in client.ListMethodsAsync(null, cancellationToken, failed: static (_, _) => { }).ConfigureAwait(false)) methods.Add(m);
        return methods;
    }
}
