using System.Management.Automation;
using PSNetTools.Grpc;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Grpc;

/// <summary>
/// Opens one client-streaming or bidi call and returns it as a session: Send-GrpcMessage writes requests one at a
/// time, Receive-GrpcMessage reads replies as they arrive, Disconnect-GrpcStream ends it. Invoke-GrpcMethod streams a
/// whole pipeline into one call, so it cannot wait for a reply before choosing the next request; this can.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "GrpcStream", DefaultParameterSetName = ReflectionSet)]
[OutputType(typeof(GrpcStreamSession))]
public sealed class ConnectGrpcStreamCommand : GrpcMethodCommandBase
{
    [Parameter]
    [ValidateRange(0.001, 86400)]
    public double DeadlineSec { get; set; }

    /// <summary>How request messages are sent: gzip, or identity (not compressed, the default).</summary>
    [Parameter]
    [ValidateSet("gzip", "identity")]
    public string? Compression { get; set; }

    protected override void EndProcessing()
    {
        GrpcConnectionOptions connection;
        GrpcDescriptorOptions descriptors;
        try
        {
            // Paths and certificates are read here: PowerShell's session state belongs to the pipeline thread.
            connection = ConnectionOptions(Address);
            descriptors = DescriptorOptions();
        }
        catch (Exception ex) when (IsExpected(ex))
        {
            ThrowTerminatingError(Error(ex, Address));
            return;
        }
        var options = new GrpcCallOptions { Deadline = DeadlineSec > 0 ? TimeSpan.FromSeconds(DeadlineSec) : null, Compression = Compression };
        RunAsync(async (sink, ct) =>
        {
            GrpcClient? client = null;
            try
            {
                client = GrpcClient.Open(connection with { Log = sink.WriteVerbose }, descriptors);
                var method = await client.ResolveMethodAsync(Method, ct).ConfigureAwait(false);
                sink.WriteVerbose($"{method.Name}: {method.Kind}, {method.RequestType} -> {method.ResponseType} (from {client.DescriptorSource})");
                var session = GrpcStreamSession.Start(client, method, options, sink.WriteVerbose);
                // The session owns the client now.
                client = null;
                sink.WriteObject(session);
            }
            catch (Exception ex) when (IsExpected(ex))
            {
                sink.WriteError(Error(ex, Address));
            }
            finally
            {
                client?.Dispose();
            }
        }, Address);
    }
}
