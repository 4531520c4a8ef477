using System.Management.Automation;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using PSNetTools.Engine.Grpc;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Grpc;

[Cmdlet(VerbsLifecycle.Invoke, "GrpcMethod", DefaultParameterSetName = ReflectionSet)]
[OutputType("PSNetTools.Grpc.Message")]
public sealed class InvokeGrpcMethodCommand : GrpcDescriptorCommandBase
{
    private GrpcClient? _client;

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

    /// <summary>Unary and server-streaming calls in flight at once on the channel; output stays in input order.</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int ThrottleLimit { get; set; } = 1;

    protected override void BeginProcessing() => StartPump<object?>(CallAllAsync, Address);

    protected override void ProcessRecord()
    {
        var bodies = Body is { Length: > 0 } ? Body : [null];
        foreach (var body in bodies)
        {
            object? value;
            try
            {
                // PowerShell values are read here, on the pipeline thread; the worker gets plain dictionaries.
                value = GrpcValues.ToEngine(body);
            }
            catch (Exception ex) when (GrpcErrors.IsExpected(ex))
            {
                WriteError(GrpcErrors.From(ex, body));
                continue;
            }
            Pump(value);
        }
    }

    protected override void EndProcessing() => FinishPump();

    // One worker for the pipeline: the method is resolved once; unary and server-streaming methods are called once
    // per body on the same channel, client-streaming and bidi methods get every body as one stream, sent as it comes.
    private async Task CallAllAsync(ChannelReader<object?> bodies, PipelineSink sink, CancellationToken ct)
    {
        var method = await ResolveAsync(sink, ct).ConfigureAwait(false);
        if (method.ClientStreaming)
        {
            await CallAsync(CallOutput.To(sink), method, Encoded(bodies, method, sink, ct), ct).ConfigureAwait(false);
            return;
        }
        if (ThrottleLimit == 1)
        {
            await foreach (var request in Encoded(bodies, method, sink, ct).ConfigureAwait(false))
            {
                await CallAsync(CallOutput.To(sink), method, One(request), ct).ConfigureAwait(false);
            }
            return;
        }
        await OrderedWindow.RunAsync(Encoded(bodies, method, sink, ct), ThrottleLimit, request => CollectAsync(method, request, ct), sink).ConfigureAwait(false);
    }

    private async Task<List<Action<PipelineSink>>> CollectAsync(GrpcMethodInfo method, byte[] request, CancellationToken ct)
    {
        var held = new List<Action<PipelineSink>>();
        await CallAsync(new CallOutput(o => held.Add(s => s.WriteObject(o)), e => held.Add(s => s.WriteError(e)), v => held.Add(s => s.WriteVerbose(v))),
            method, One(request), ct).ConfigureAwait(false);
        return held;
    }

    private async Task<GrpcMethodInfo> ResolveAsync(PipelineSink sink, CancellationToken ct)
    {
        try
        {
            _client = GrpcClient.Open(ConnectionOptions(Address, sink), DescriptorOptions());
            var method = await _client.ResolveMethodAsync(Method, ct).ConfigureAwait(false);
            sink.WriteVerbose($"{method.Name}: {method.Kind}, {method.RequestType} -> {method.ResponseType} (from {_client.DescriptorSource})");
            return method;
        }
        catch (Exception ex) when (GrpcErrors.IsExpected(ex))
        {
            // Every record would fail the same way: stop the pipeline with the reason.
            throw new RuntimeException(ex.Message, ex, GrpcErrors.From(ex, Method));
        }
    }

    // A body that does not fit the request type is an error of its own; the others still go.
    private async IAsyncEnumerable<byte[]> Encoded(ChannelReader<object?> bodies, GrpcMethodInfo method, PipelineSink sink, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var body in bodies.ReadAllAsync(ct).ConfigureAwait(false))
        {
            byte[] request;
            try
            {
                request = _client!.EncodeRequest(method, body);
            }
            catch (Exception ex) when (GrpcErrors.IsExpected(ex))
            {
                sink.WriteError(GrpcErrors.From(ex, body));
                continue;
            }
            yield return request;
        }
    }

    private async Task CallAsync(CallOutput output, GrpcMethodInfo method, IAsyncEnumerable<byte[]> requests, CancellationToken ct)
    {
        var options = new GrpcCallOptions
        {
            Deadline = DeadlineSec > 0 ? TimeSpan.FromSeconds(DeadlineSec) : null,
        };
        try
        {
            await foreach (var response in _client!.CallAsync(method, requests, options, output.Verbose, ct).ConfigureAwait(false))
            {
                output.Object(GrpcValues.ToPowerShell(response));
            }
        }
        catch (Exception ex) when (GrpcErrors.IsExpected(ex))
        {
            output.Error(GrpcErrors.From(ex, method.Name));
        }
    }

    /// <summary>Where a call's output goes: straight to the pipeline, or held until earlier calls are written.</summary>
    private sealed record CallOutput(Action<object?> Object, Action<ErrorRecord> Error, Action<string> Verbose)
    {
        public static CallOutput To(PipelineSink sink) => new(sink.WriteObject, sink.WriteError, sink.WriteVerbose);
    }

    private static async IAsyncEnumerable<byte[]> One(byte[] request)
    {
        yield return request;
        await Task.CompletedTask.ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _client?.Dispose();
        base.Dispose(disposing);
    }
}
