using System.Management.Automation;
using System.Text;
using PSNetTools.Commands.Scanning;
using PSNetTools.Transport;
using PSNetTools.Net;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Transport;

/// <summary>Send-TcpMessage and Send-UdpMessage: what to send, how to decode the answer, how long to wait, how often to retry.</summary>
public abstract class SendMessageCommandBase : AsyncCmdlet
{
    protected const string TextSet = "Text";
    protected const string BytesSet = "Bytes";
    private readonly List<FanOutRequest<MessageOptions>> _requests = [];

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("HostName", "CN")]
    [ValidateNotNullOrEmpty]
    public string[] ComputerName { get; set; } = [];

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [PortTransformation]
    public PortRange[] Port { get; set; } = [];

    /// <summary>
    /// From the pipeline too once -ComputerName is given (`Get-Content lines.txt | Send-TcpMessage host -Port 7`):
    /// a host bound first leaves piped text only this parameter to bind to.
    /// </summary>
    [Parameter(Mandatory = true, Position = 2, ParameterSetName = TextSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Message { get; set; } = [];

    /// <summary>From the pipeline too: `,[byte[]](1,2,3) | Send-TcpMessage` binds here (an exact type match wins over -ComputerName).</summary>
    [Parameter(Mandatory = true, ParameterSetName = BytesSet, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public byte[] InputObject { get; set; } = [];

    [Parameter]
    [ArgumentCompleter(typeof(EncodingCompleter))]
    [ValidateNotNullOrEmpty]
    public string Encoding { get; set; } = "utf8";

    [Parameter]
    [ValidateRange(0.01, 3600)]
    public double ReadTimeoutSec { get; set; } = 5;

    [Parameter]
    [ValidateRange(0.001, 60)]
    public double QuietPeriodSec { get; set; } = 0.2;

    [Parameter]
    [ValidateRange(1, 10_000)]
    public int ThrottleLimit { get; set; } = 32;

    /// <summary>The most bytes one reply may hold (default 16 MB); a reply past it ends that target's exchange with ReplyTooLarge.</summary>
    [Parameter]
    [ValidateRange(1, 2_000_000_000)]
    public int MaxReplyBytes { get; set; } = MessageOptions.DefaultMaxReplyBytes;

    /// <summary>Sends to more than 65,536 address × port pairs, which otherwise stops with ScanTooLarge.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected abstract Task<Outcome<MessageExchange>> ExchangeAsync(ResolvedTarget target, MessageOptions options, CancellationToken cancellationToken);

    protected virtual MessageOptions Customize(MessageOptions options) => options;

    // What the command line bound; the pipeline binds the rest record by record.
    private bool _hostsOnCommandLine;
    private bool _messagesOnCommandLine;

    protected override void BeginProcessing()
    {
        _hostsOnCommandLine = MyInvocation.BoundParameters.ContainsKey(nameof(ComputerName));
        _messagesOnCommandLine = MyInvocation.BoundParameters.ContainsKey(nameof(Message));
        base.BeginProcessing();
    }

    // With neither on the command line a piped string binds to both -ComputerName and -Message: it would be sent to
    // itself. Records with ComputerName and Message properties bind each from its own property.
    private bool PipedTextIsBoth() =>
        ParameterSetName == TextSet && !_hostsOnCommandLine && !_messagesOnCommandLine &&
        ComputerName.Length == 1 && Message.Length == 1 && string.Equals(ComputerName[0], Message[0], StringComparison.Ordinal);

    // Each record becomes its own work items, with its own hosts, ports and messages; they all run in EndProcessing,
    // -ThrottleLimit at a time, output in input order.
    protected override void ProcessRecord()
    {
        if (PipedTextIsBoth())
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"Piped text is either the messages (when -ComputerName is given) or the hosts (when -Message is given); '{Message[0]}' came with neither."),
                "PipedTextAmbiguous", ErrorCategory.InvalidArgument, Message[0])
            {
                ErrorDetails = new ErrorDetails($"Piped text is either the messages (when -ComputerName is given) or the hosts (when -Message is given); '{Message[0]}' came with neither.")
                {
                    RecommendedAction = "Give -ComputerName to send the piped lines as messages, or -Message to send it to the piped hosts.",
                },
            });
            return;
        }
        Encoding encoding;
        try
        {
            encoding = TextEncodings.Get(Encoding);
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "UnknownEncoding", ErrorCategory.InvalidArgument, Encoding));
            return;
        }
        IReadOnlyList<byte[]> payloads = ParameterSetName == BytesSet ? [InputObject] : [.. Message.Select(encoding.GetBytes)];
        var options = Customize(new MessageOptions
        {
            Payloads = payloads,
            Encoding = encoding,
            ReadTimeout = TimeSpan.FromSeconds(ReadTimeoutSec),
            QuietPeriod = TimeSpan.FromSeconds(QuietPeriodSec),
            ThrottleLimit = ThrottleLimit,
            MaxReplyBytes = MaxReplyBytes,
        });
        _requests.Add(new FanOutRequest<MessageOptions>([.. ComputerName], [.. new PortSet(Port).Ports.Select(port => options with { Port = port })]));
    }

    protected override void EndProcessing()
    {
        ScanSizeGuard.Check(this, _requests, Force, "-ComputerName or -Port");
        RunAsync(async (sink, ct) =>
        {
            var log = sink.WriteVerbose;
            await foreach (var outcome in FanOut.RunAsync(_requests, ThrottleLimit, (target, options, token) => ExchangeAsync(target, options with { Log = log }, token), log, ct))
            {
                if (outcome.Failure is { } failure)
                {
                    sink.WriteFailure(failure);
                    continue;
                }
                foreach (var reply in outcome.Value!.Replies) sink.WriteObject(reply);
                if (outcome.Value.Failure is { } cut) sink.WriteFailure(cut);
            }
        }, string.Join(",", _requests.SelectMany(r => r.ComputerNames)));
    }
}
