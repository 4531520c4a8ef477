using System.Management.Automation;
using PSNetTools.Grpc;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Grpc;

/// <summary>
/// Ends streams: half-closes and lets the server finish (up to -TimeoutSec), or with -Cancel cancels the call at once.
/// A disconnected session is nothing to do, so a script's finally block may call it again.
/// </summary>
[Cmdlet(VerbsCommunications.Disconnect, "GrpcStream")]
[OutputType(typeof(GrpcStreamSession))]
public sealed class DisconnectGrpcStreamCommand : AsyncCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public GrpcStreamSession[] Session { get; set; } = [];

    /// <summary>Cancel the call (RST_STREAM CANCEL) instead of letting the server finish it.</summary>
    [Parameter]
    public SwitchParameter Cancel { get; set; }

    [Parameter]
    [ValidateRange(0.01, 3600)]
    public double TimeoutSec { get; set; } = 10;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var session in Session)
        {
            RunAsync(async (sink, _) =>
            {
                await session.CloseAsync(Cancel, TimeSpan.FromSeconds(TimeoutSec)).ConfigureAwait(false);
                if (PassThru) sink.WriteObject(session);
            }, session.Method);
        }
    }
}
