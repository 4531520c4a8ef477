using System.Management.Automation;
using System.Runtime.CompilerServices;
using PSNetTools.Engine.Grpc;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Grpc;

[Cmdlet(VerbsLifecycle.Invoke, "GrpcMethod", DefaultParameterSetName = ReflectionSet)]
[OutputType("PSNetTools.Grpc.Message")]
public sealed class InvokeGrpcMethodCommand : GrpcDescriptorCommandBase
{

    private readonly List<byte[]> _streamed = [];
    private GrpcClient? _client;
    private GrpcMethodInfo? _method;

    [Parameter(Mandatory = true, Position = 0)]
    [Alias("ComputerName", "Target")]
    [ValidateNotNullOrEmpty]
    public string Address { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    [ArgumentCompleter(typeof(GrpcMethodCompleter))]
    [ValidateNotNullOrEmpty]
    public string Method { get; set; } = "";

    [Parameter(Position = 2, ValueFromPipeline = true)]
    [Alias("Data", "Request")]
    [AllowNull]
    [AllowEmptyCollection]
    public object?[]? Body { get; set; }

    [Parameter]
    [ValidateRange(0.001, 86400)]
    public double DeadlineSec { get; set; }

    protected override void ProcessRecord()
    {
        var bodies = Body ?? [null];
        if (bodies.Length == 0) bodies = [null];
        RunAsync(async (sink, ct) =>
        {
            var method = await EnsureMethodAsync(sink, ct).ConfigureAwait(false);
            var client = _client!;
            foreach (var body in bodies)
            {
                byte[] request;
                try
                {
                    request = client.EncodeRequest(method, GrpcValues.ToEngine(body));
                }
                catch (Exception ex) when (GrpcErrors.IsExpected(ex))
                {
                    sink.WriteError(GrpcErrors.From(ex, body));
                    continue;
                }
                if (method.ClientStreaming)
                {
                    // The whole pipeline is one call: requests are collected here and sent in EndProcessing.
                    _streamed.Add(request);
                    continue;
                }
                await CallAsync(sink, method, [request], ct).ConfigureAwait(false);
            }
        }, Address);
    }

    protected override void EndProcessing()
    {
        if (_method is not { ClientStreaming: true } method) return;
        RunAsync((sink, ct) => CallAsync(sink, method, _streamed, ct), Address);
    }

    private async Task<GrpcMethodInfo> EnsureMethodAsync(PipelineSink sink, CancellationToken ct)
    {
        if (_method is not null) return _method;
        try
        {
            _client ??= GrpcClient.Open(ConnectionOptions(Address, sink), DescriptorOptions());
            _method = await _client.ResolveMethodAsync(Method, ct).ConfigureAwait(false);
            sink.WriteVerbose($"{_method.Name}: {_method.Kind}, {_method.RequestType} -> {_method.ResponseType} (from {_client.DescriptorSource})");
            return _method;
        }
        catch (Exception ex) when (GrpcErrors.IsExpected(ex))
        {
            // Every record would fail the same way: stop the pipeline with the reason.
            throw new RuntimeException(ex.Message, ex, GrpcErrors.From(ex, Method));
        }
    }

    private async Task CallAsync(PipelineSink sink, GrpcMethodInfo method, IReadOnlyList<byte[]> requests, CancellationToken ct)
    {
        var options = new GrpcCallOptions
        {
            Deadline = DeadlineSec > 0 ? TimeSpan.FromSeconds(DeadlineSec) : null,
        };
        try
        {
            await foreach (var response in _client!.CallAsync(method, Requests(requests, ct), options, sink.WriteVerbose, ct).ConfigureAwait(false))
            {
                sink.WriteObject(GrpcValues.ToPowerShell(response));
            }
        }
        catch (Exception ex) when (GrpcErrors.IsExpected(ex))
        {
            sink.WriteError(GrpcErrors.From(ex, method.Name));
        }
    }

    private static async IAsyncEnumerable<byte[]> Requests(IReadOnlyList<byte[]> requests, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var request in requests)
        {
            ct.ThrowIfCancellationRequested();
            yield return request;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _client?.Dispose();
        base.Dispose(disposing);
    }
}
