using System.Management.Automation;
using PSNetTools.Grpc;

namespace PSNetTools.Commands.Grpc;

[Cmdlet(VerbsCommon.Get, "GrpcService", DefaultParameterSetName = ReflectionSet)]
[OutputType(typeof(GrpcMethodInfo))]
public sealed class GetGrpcServiceCommand : GrpcDescriptorCommandBase
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ReflectionSet)]
    [Parameter(Position = 0, ValueFromPipeline = true, ParameterSetName = ProtoFileSet)]
    [Parameter(Position = 0, ValueFromPipeline = true, ParameterSetName = DescriptorSetSet)]
    [Alias("ComputerName", "Target")]
    [ValidateNotNullOrEmpty]
    public string? Address { get; set; }

    /// <summary>Full service names to list; wildcards allowed. Default: all.</summary>
    [Parameter(Position = 1)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(GrpcServiceCompleter))]
    public string[]? Service { get; set; }

    protected override void ProcessRecord()
    {
        var patterns = Service?.Select(s => WildcardPattern.Get(s, WildcardOptions.IgnoreCase)).ToList();
        var address = Address;
        var descriptors = DescriptorOptions();
        object target = address ?? (descriptors.ProtoFiles.Count > 0 ? descriptors.ProtoFiles[0] : descriptors.DescriptorSet ?? "");
        GrpcConnectionOptions? connection;
        try
        {
            // Paths and certificates are read here: PowerShell's session state belongs to the pipeline thread.
            connection = address is null ? null : ConnectionOptions(address);
        }
        catch (Exception ex) when (IsExpected(ex))
        {
            WriteError(Error(ex, target));
            return;
        }
        RunAsync(async (sink, ct) =>
        {
            try
            {
                using var client = connection is null ? GrpcClient.Offline(descriptors) : GrpcClient.Open(connection with { Log = sink.WriteVerbose }, descriptors);
                var found = 0;
                await foreach (var method in client.ListMethodsAsync(name => patterns is null || patterns.Any(p => p.IsMatch(name)), ct,
                    (service, ex) => sink.WriteError(Error(ex, service))).ConfigureAwait(false))
                {
                    found++;
                    sink.WriteObject(method);
                }
                if (found == 0 && patterns is not null && !Service!.Any(WildcardPattern.ContainsWildcardCharacters))
                {
                    sink.WriteError(Error(new GrpcCallException(GrpcStatusCode.NotFound,
                        $"no service named {string.Join(", ", Service!)} (Get-GrpcService without -Service lists them all)", "Get-GrpcService"), target));
                }
            }
            catch (Exception ex) when (IsExpected(ex))
            {
                sink.WriteError(Error(ex, target));
            }
        }, target);
    }
}
