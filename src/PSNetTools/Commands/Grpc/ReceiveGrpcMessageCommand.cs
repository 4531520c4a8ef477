using System.Management.Automation;
using PSNetTools.Grpc;
using PSNetTools.Infrastructure;
using PSNetTools.Net;

namespace PSNetTools.Commands.Grpc;

/// <summary>Writes the stream's replies as they arrive: until -Count, the end of the call, a quiet -TimeoutSec, or Ctrl+C.</summary>
[Cmdlet(VerbsCommunications.Receive, "GrpcMessage")]
[OutputType("PSNetTools.Grpc.Message")]
public sealed class ReceiveGrpcMessageCommand : AsyncCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public GrpcStreamSession Session { get; set; } = null!;

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; }

    /// <summary>How long to wait for each reply; without it, until the call ends. A timeout leaves the stream open.</summary>
    [Parameter]
    [ValidateRange(0.01, 86400)]
    public double TimeoutSec { get; set; }

    protected override void ProcessRecord()
    {
        var session = Session;
        RunAsync(async (sink, ct) =>
        {
            for (var received = 0; Count == 0 || received < Count; received++)
            {
                object? reply;
                try
                {
                    reply = await session.ReceiveAsync(TimeoutSec, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IHasTargetFailure or TimeoutException or ArgumentException or FormatException or InvalidOperationException)
                {
                    sink.WriteError(GrpcStreamErrors.From(ex, session, this));
                    return;
                }
                if (reply is null)
                {
                    sink.WriteVerbose($"{session.Method}: the call ended ({session.Status ?? session.State}).");
                    return;
                }
                sink.WriteObject(GrpcValues.ToPowerShell(reply));
            }
        }, session.Method);
    }
}
