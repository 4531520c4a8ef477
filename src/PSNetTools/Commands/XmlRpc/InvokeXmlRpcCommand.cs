using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Threading.Channels;
using PSNetTools.Net;
using PSNetTools.Resilience;
using PSNetTools.XmlRpc;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.XmlRpc;

[Cmdlet(VerbsLifecycle.Invoke, "XmlRpc", DefaultParameterSetName = CallSet)]
[OutputType(typeof(object))]
public sealed class InvokeXmlRpcCommand : TlsClientCommand
{
    private const string CallSet = "Call";
    private const string MulticallSet = "Multicall";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Url")]
    [ValidateNotNull]
    public Uri Uri { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = CallSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(XmlRpcMethodCompleter))]
    public string Method { get; set; } = "";

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = CallSet)]
    [AllowNull]
    [AllowEmptyCollection]
    public object?[] Argument { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = MulticallSet)]
    [ValidateNotNullOrEmpty]
    public Hashtable[] Multicall { get; set; } = [];

    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    [Parameter]
    public IDictionary? Headers { get; set; }

    [Parameter]
    [ValidateRange(0.01, 3600)]
    public double TimeoutSec { get; set; } = 30;

    [Parameter]
    [ValidateRange(0, 100)]
    public int RetryCount { get; set; }

    /// <summary>Struct/array levels an answer may nest before it is refused (while it is read, so a hostile one cannot crash the session).</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int MaxDepth { get; set; } = XmlRpcReadLimits.DefaultMaxDepth;

    /// <summary>Pipeline calls in flight at once; output stays in input order.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 1;

    private PipelinePump<Job>? _jobs;

    protected override void BeginProcessing() => _jobs = StartPump<Job>(CallAllAsync);

    protected override void EndProcessing() => _jobs?.Finish();

    protected override void ProcessRecord()
    {
        if (!Uri.IsAbsoluteUri || Uri.Scheme is not ("http" or "https"))
        {
            Invalid(new ErrorRecord(new ArgumentException($"'{Uri}' is not an http or https URI of an XML-RPC endpoint."), "InvalidUri", ErrorCategory.InvalidArgument, Uri));
            return;
        }
        var options = new XmlRpcCallOptions
        {
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
            Credential = Credential?.GetNetworkCredential(),
            Headers = PowerShellValues.TextMap(Headers),
            MaxDepth = MaxDepth,
            Tls = Trust(),
            Retry = new RetryPolicy { MaxRetries = RetryCount, IsTransient = ex => ex is not XmlRpcFaultException && TransientFailures.IsTransient(ex) },
        };
        List<(string Method, IReadOnlyList<object?> Parameters)> calls;
        try
        {
            calls = ParameterSetName == MulticallSet
                ? [.. Multicall.Select(ToCall)]
                : [(Method, (IReadOnlyList<object?>)[.. (Argument ?? [null]).Select(a => XmlRpcValues.ToEngine(a))])];
        }
        catch (ArgumentException ex)
        {
            Invalid(new ErrorRecord(ex, "InvalidArgument", ErrorCategory.InvalidArgument, Argument));
            return;
        }
        _jobs!.Push(new Job(Uri, ParameterSetName == MulticallSet, calls, options));
    }

    // A record that cannot be called is still a job: its error is written in its place, after the calls before it.
    private void Invalid(ErrorRecord error) => _jobs!.Push(new Job(Uri, false, [], new XmlRpcCallOptions(), error));

    /// <summary>One pipeline record: a call (or a multicall batch) with the options it was given, or the error of a record that is none.</summary>
    private sealed record Job(Uri Uri, bool Multicall, List<(string Method, IReadOnlyList<object?> Parameters)> Calls, XmlRpcCallOptions Options,
        ErrorRecord? Error = null);

    // One worker for the pipeline. With -ThrottleLimit above 1, up to that many calls run at once and each call's
    // output is held until the ones before it are written, so results keep the input order.
    private Task CallAllAsync(ChannelReader<Job> jobs, PipelineSink sink, CancellationToken ct) =>
        OrderedWindow.RunAsync(ReadPumped(jobs, sink, ct), ThrottleLimit, job => CallJobAsync(job, ct), sink);

    private async Task<List<Action<PipelineSink>>> CallJobAsync(Job job, CancellationToken ct)
    {
        var output = new List<Action<PipelineSink>>();
        if (job.Error is { } invalid)
        {
            output.Add(s => s.WriteError(invalid));
            return output;
        }
        var (uri, calls, options) = (job.Uri, job.Calls, job.Options);
        try
        {
            if (!job.Multicall)
            {
                var value = XmlRpcValues.ToPowerShell(await XmlRpcClient.CallAsync(uri, calls[0].Method, calls[0].Parameters, options, ct).ConfigureAwait(false));
                output.Add(s => s.WriteObject(value));
                return output;
            }
            var results = await XmlRpcClient.MulticallAsync(uri, calls, options, ct).ConfigureAwait(false);
            for (var i = 0; i < results.Count; i++)
            {
                if (results[i] is XmlRpcFaultException fault)
                {
                    var record = Fault(fault, calls[i].Method);
                    output.Add(s => s.WriteError(record));
                }
                else
                {
                    var value = XmlRpcValues.ToPowerShell(results[i]);
                    output.Add(s => s.WriteObject(value));
                }
            }
        }
        catch (XmlRpcFaultException fault)
        {
            var record = Fault(fault, calls[0].Method);
            output.Add(s => s.WriteError(record));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Every failure of one call is that call's error (a reply cut off mid-body is an IOException); the
            // pipeline's other calls go on.
            var failure = Failures.From(uri.OriginalString, ex, options.Timeout);
            output.Add(s => s.WriteFailure(failure, uri, ex is IHasTargetFailure ? ex : null));
        }
        return output;
    }

    private static (string, IReadOnlyList<object?>) ToCall(Hashtable call)
    {
        var method = (call["Method"] ?? call["MethodName"])?.ToString();
        if (string.IsNullOrEmpty(method)) throw new ArgumentException("Each -Multicall entry needs a Method, e.g. @{ Method = 'add'; Argument = 1, 2 }.");
        var args = call["Argument"] ?? call["Params"];
        IReadOnlyList<object?> list = args switch
        {
            null => [],
            object?[] a => [.. a.Select(x => XmlRpcValues.ToEngine(x))],
            _ => XmlRpcValues.ToEngine(args) is object?[] many ? many : [XmlRpcValues.ToEngine(args)],
        };
        return (method, list);
    }

    private ErrorRecord Fault(XmlRpcFaultException fault, string method) =>
        ErrorRecords.From(fault.Failure with { Target = method, Message = $"{method}: fault {fault.FaultCode}: {fault.FaultString}" }, this, method, fault);
}
