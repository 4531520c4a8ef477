using System.Management.Automation;
using System.Threading.Channels;
using PSNetTools.Grpc;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Grpc;

[Cmdlet(VerbsLifecycle.Invoke, "GrpcMethod", DefaultParameterSetName = ReflectionSet)]
[OutputType("PSNetTools.Grpc.Message")]
[OutputType(typeof(GrpcCallResult))]
public sealed class InvokeGrpcMethodCommand : GrpcMethodCommandBase
{
    private GrpcConnectionOptions? _connection;
    private GrpcDescriptorOptions? _descriptors;
    private PipelinePump<object?>? _bodies;

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

    /// <summary>After each call's replies, one PSNetTools.Grpc.GrpcCallResult: status, response headers, trailers, encoding.</summary>
    [Parameter]
    public SwitchParameter IncludeMetadata { get; set; }

    /// <summary>How request messages are sent: gzip, or identity (not compressed, the default).</summary>
    [Parameter]
    [ValidateSet("gzip", "identity")]
    public string? Compression { get; set; }

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
                Stoppable(() => _bodies!.Push(new BadBody(Error(ex, body))));
                continue;
            }
            Stoppable(() => _bodies!.Push(value));
        }
    }

    protected override void EndProcessing() => Stoppable(() => _bodies?.Finish());

    // A downstream stop (Select-Object -First 1) ends the command without a word: say that the call in flight was
    // cancelled. Ctrl+C needs no line: PowerShell reports that stop itself.
    private void Stoppable(Action pump)
    {
        try
        {
            pump();
        }
        catch (PipelineStoppedException) when (!Stopping)
        {
            try
            {
                WriteVerbose("the pipeline downstream wants no more output: the call in flight is cancelled (RST_STREAM CANCEL)");
            }
            catch (PipelineStoppedException)
            {
                // Nothing may be written any more: the stop itself is what the user sees.
            }
            throw;
        }
    }

    // One worker for the pipeline, owning the channel: the method is resolved once; unary and server-streaming
    // methods are called once per body, client-streaming and bidi methods get every body as one stream, sent as it comes.
    private async Task CallAllAsync(ChannelReader<object?> bodies, PipelineSink sink, CancellationToken ct)
    {
        using var client = Open(sink);
        var method = await ResolveAsync(client, sink, ct).ConfigureAwait(false);
        var requests = Encoded(client, ReadPumped(bodies, sink, ct), method);
        if (method.ClientStreaming)
        {
            await CallAsync(CallOutput.To(sink), o => client.CallAsync(method, Sent(requests, sink), o, sink.WriteVerbose, ct), ct).ConfigureAwait(false);
            return;
        }
        if (ThrottleLimit == 1)
        {
            // One call at a time: a server stream's messages are written as they arrive.
            await foreach (var request in requests.ConfigureAwait(false))
            {
                if (request.Error is { } error) sink.WriteError(error);
                else await CallAsync(CallOutput.To(sink), o => client.CallAsync(method, request.Bytes!, o, sink.WriteVerbose, ct), ct).ConfigureAwait(false);
            }
            return;
        }
        // Calls side by side: the head call's output streams to the pipeline, the calls behind it buffer a little.
        await GrpcCallWindow.RunAsync(requests, ThrottleLimit, (request, buffer) =>
        {
            var output = CallOutput.To(buffer, ct);
            if (request.Error is not { } error) return CallAsync(output, o => client.CallAsync(method, request.Bytes!, o, output.Verbose, ct), ct);
            output.Error(error);
            return Task.CompletedTask;
        }, sink, ct).ConfigureAwait(false);
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

    private GrpcCallOptions CallOptions => new() { Deadline = DeadlineSec > 0 ? TimeSpan.FromSeconds(DeadlineSec) : null, Compression = Compression };

    /// <summary>One call: its replies as they arrive, its error in its place, and with -IncludeMetadata how it ended.</summary>
    private async Task CallAsync(CallOutput output, Func<GrpcCallOptions, IAsyncEnumerable<object?>> call, CancellationToken ct)
    {
        GrpcCallResult? result = null;
        var options = IncludeMetadata ? CallOptions with { Completed = r => result = r } : CallOptions;
        try
        {
            await foreach (var response in call(options).ConfigureAwait(false))
            {
                await output.Reply(GrpcValues.ToPowerShell(response)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsExpected(ex))
        {
            output.Error(Error(ex, Address));
        }
        // Written after the replies: the engine learns the status before the consumer has read the last of them.
        if (result is not null) await output.Reply(result).ConfigureAwait(false);
    }

    /// <summary>Where a call's output goes: straight to the pipeline, or into its buffer while earlier calls are written.</summary>
    private sealed record CallOutput(Func<object?, ValueTask> Reply, Action<ErrorRecord> Error, Action<string> Verbose)
    {
        public static CallOutput To(PipelineSink sink) => new(o =>
        {
            sink.WriteObject(o);
            return ValueTask.CompletedTask;
        }, sink.WriteError, sink.WriteVerbose);

        public static CallOutput To(CallOutputBuffer buffer, CancellationToken ct) =>
            new(o => buffer.AddReplyAsync(s => s.WriteObject(o), ct), e => buffer.Add(s => s.WriteError(e)), v => buffer.Add(s => s.WriteVerbose(v)));
    }
}
