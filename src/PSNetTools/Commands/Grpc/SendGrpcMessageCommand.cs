using System.Management.Automation;
using PSNetTools.Grpc;
using PSNetTools.Infrastructure;
using PSNetTools.Net;

namespace PSNetTools.Commands.Grpc;

/// <summary>
/// Sends each body as one request of an open stream, at once (no reply is awaited: Receive-GrpcMessage reads them);
/// -Complete half-closes after the last one (alone, it only half-closes).
/// </summary>
[Cmdlet(VerbsCommunications.Send, "GrpcMessage")]
[OutputType(typeof(GrpcStreamSession))]
public sealed class SendGrpcMessageCommand : AsyncCmdlet
{
    private bool _sent;

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public GrpcStreamSession Session { get; set; } = null!;

    [Parameter(Position = 1, ValueFromPipeline = true)]
    [Alias("Data", "Request")]
    [AllowNull]
    [AllowEmptyCollection]
    public object?[]? Body { get; set; }

    /// <summary>Half-close after the bodies: the server learns that no more requests come.</summary>
    /// <remarks>New: the name users know from gRPC (RequestStream.CompleteAsync) hides AsyncCmdlet.Complete, which this class never calls.</remarks>
    [Parameter]
    public new SwitchParameter Complete { get; set; }

    [Parameter]
    [ValidateRange(0.01, 86400)]
    public double TimeoutSec { get; set; } = 30;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (Body is null) return;
        foreach (var body in Body.Length == 0 ? [null] : Body)
        {
            object? value;
            try
            {
                // PowerShell values are read here, on the pipeline thread; the engine gets plain dictionaries.
                value = GrpcValues.ToEngine(body);
            }
            catch (Exception ex) when (ex is IHasTargetFailure or ArgumentException or FormatException)
            {
                WriteError(ErrorRecords.FromException(ex, body, this));
                continue;
            }
            _sent = true;
            var session = Session;
            RunAsync(async (sink, ct) =>
            {
                try
                {
                    await session.SendAsync(value, TimeSpan.FromSeconds(TimeoutSec), ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IHasTargetFailure or ArgumentException or InvalidOperationException or TimeoutException)
                {
                    sink.WriteError(GrpcStreamErrors.From(ex, session, this));
                }
            }, session.Method);
        }
    }

    protected override void EndProcessing()
    {
        var session = Session;
        if (Complete) RunAsync((_, ct) => session.CompleteAsync(ct), session.Method);
        else if (!_sent)
        {
            WriteError(new ErrorRecord(new ArgumentException("Nothing was sent: give -Body (a hashtable or JSON text), pipe bodies, or use -Complete to end the requests."),
                "NothingToSend", ErrorCategory.InvalidArgument, null));
        }
        if (PassThru) WriteObject(session);
    }
}
