using System.Management.Automation;
using System.Threading.Channels;
using PSNetTools.Grpc;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Grpc;

[Cmdlet(VerbsLifecycle.Invoke, "GrpcMethod", DefaultParameterSetName = ReflectionSet)]
[OutputType("PSNetTools.Grpc.Message")]
public sealed class InvokeGrpcMethodCommand : GrpcDescriptorCommandBase
{
    private GrpcConnectionOptions? _connection;
    private GrpcDescriptorOptions? _descriptors;
    private PipelinePump<object?>? _bodies;

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

    protected override void BeginProcessing()
    {
        try
        {
            // Paths and certificates are read here: PowerShell's session state belongs to the pipeline thread.
            _connection = ConnectionOptions(Address);
            _descriptors = DescriptorOptions();
        }
        catch (Exception ex) when (IsExpected(ex))
        {
            ThrowTerminatingError(Error(ex, Address));
        }
        _bodies = StartPump<object?>(CallAllAsync, Address);
    }

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
            catch (Exception ex) when (IsExpected(ex))
            {
                // Through the pump like a body, so the error comes in its place, after the calls before it.
                _bodies!.Push(new BadBody(Error(ex, body)));
                continue;
            }
            _bodies!.Push(value);
        }
    }

    protected override void EndProcessing() => _bodies?.Finish();

    // One worker for the pipeline, owning the channel: the method is resolved once; unary and server-streaming
    // methods are called once per body, client-streaming and bidi methods get every body as one stream, sent as it comes.
    private async Task CallAllAsync(ChannelReader<object?> bodies, PipelineSink sink, CancellationToken ct)
    {
        using var client = Open(sink);
        var method = await ResolveAsync(client, sink, ct).ConfigureAwait(false);
        var requests = Encoded(client, ReadPumped(bodies, sink, ct), method);
        if (method.ClientStreaming)
        {
            await WriteResponsesAsync(CallOutput.To(sink), method, client.CallAsync(method, Sent(requests, sink), CallOptions, sink.WriteVerbose, ct)).ConfigureAwait(false);
            return;
        }
        if (ThrottleLimit == 1)
        {
            // One call at a time: a server stream's messages are written as they arrive.
            await foreach (var request in requests.ConfigureAwait(false))
            {
                if (request.Error is { } error) sink.WriteError(error);
                else await WriteResponsesAsync(CallOutput.To(sink), method, client.CallAsync(method, request.Bytes!, CallOptions, sink.WriteVerbose, ct)).ConfigureAwait(false);
            }
            return;
        }
        // Calls side by side: each call's output is held until the calls before it are written.
        await OrderedWindow.RunAsync(requests, ThrottleLimit, request => request.Error is { } error
            ? Task.FromResult<List<Action<PipelineSink>>>([s => s.WriteError(error)])
            : CollectAsync(client, method, request.Bytes!, ct), sink).ConfigureAwait(false);
    }

    private GrpcClient Open(PipelineSink sink)
    {
        try
        {
            return GrpcClient.Open(_connection! with { Log = sink.WriteVerbose }, _descriptors);
        }
        catch (Exception ex) when (IsExpected(ex))
        {
            throw new RuntimeException(ex.Message, ex, Error(ex, Address));
        }
    }

    private async Task<List<Action<PipelineSink>>> CollectAsync(GrpcClient client, GrpcMethodInfo method, byte[] request, CancellationToken ct)
    {
        var held = new List<Action<PipelineSink>>();
        var output = new CallOutput(o => held.Add(s => s.WriteObject(o)), e => held.Add(s => s.WriteError(e)), v => held.Add(s => s.WriteVerbose(v)));
        await WriteResponsesAsync(output, method, client.CallAsync(method, request, CallOptions, output.Verbose, ct)).ConfigureAwait(false);
        return held;
    }

    private async Task<GrpcMethodInfo> ResolveAsync(GrpcClient client, PipelineSink sink, CancellationToken ct)
    {
        try
        {
            var method = await client.ResolveMethodAsync(Method, ct).ConfigureAwait(false);
            sink.WriteVerbose($"{method.Name}: {method.Kind}, {method.RequestType} -> {method.ResponseType} (from {client.DescriptorSource})");
            return method;
        }
        catch (Exception ex) when (IsExpected(ex))
        {
            // Every record would fail the same way: stop the pipeline with the reason.
            throw new RuntimeException(ex.Message, ex, Error(ex, Address));
        }
    }

    /// <summary>A pipeline record that is no body (read on the pipeline thread): its error, in its place.</summary>
    private sealed record BadBody(ErrorRecord Error);

    /// <summary>An encoded request, or the error of a body that does not fit the request type (the others still go).</summary>
    private readonly record struct Request(byte[]? Bytes, ErrorRecord? Error);

    private async IAsyncEnumerable<Request> Encoded(GrpcClient client, IAsyncEnumerable<object?> bodies, GrpcMethodInfo method)
    {
        await foreach (var body in bodies.ConfigureAwait(false))
        {
            Request request;
            try
            {
                request = body is BadBody bad ? new Request(null, bad.Error) : new Request(client.EncodeRequest(method, body), null);
            }
            catch (Exception ex) when (IsExpected(ex))
            {
                request = new Request(null, Error(ex, body));
            }
            yield return request;
        }
    }

    // A stream's requests: bad bodies are reported as they come and left out.
    private static async IAsyncEnumerable<byte[]> Sent(IAsyncEnumerable<Request> requests, PipelineSink sink)
    {
        await foreach (var request in requests.ConfigureAwait(false))
        {
            if (request.Error is { } error) sink.WriteError(error);
            else yield return request.Bytes!;
        }
    }

    private GrpcCallOptions CallOptions => new() { Deadline = DeadlineSec > 0 ? TimeSpan.FromSeconds(DeadlineSec) : null };

    private async Task WriteResponsesAsync(CallOutput output, GrpcMethodInfo method, IAsyncEnumerable<object?> responses)
    {
        try
        {
            await foreach (var response in responses.ConfigureAwait(false))
            {
                output.Object(GrpcValues.ToPowerShell(response));
            }
        }
        catch (Exception ex) when (IsExpected(ex))
        {
            output.Error(Error(ex, Address));
        }
    }

    /// <summary>Where a call's output goes: straight to the pipeline, or held until earlier calls are written.</summary>
    private sealed record CallOutput(Action<object?> Object, Action<ErrorRecord> Error, Action<string> Verbose)
    {
        public static CallOutput To(PipelineSink sink) => new(sink.WriteObject, sink.WriteError, sink.WriteVerbose);
    }
}
