using System.Management.Automation;
using PSNetTools.Net;
using PSNetTools.WebSockets;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.WebSockets;

[Cmdlet(VerbsCommunications.Receive, "WebSocketMessage")]
[OutputType(typeof(WebSocketMessage))]
public sealed class ReceiveWebSocketMessageCommand : AsyncCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public WebSocketSession Session { get; set; } = null!;

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; }

    [Parameter]
    [ValidateRange(0.01, 86400)]
    public double TimeoutSec { get; set; }

    protected override void ProcessRecord()
    {
        var session = Session;
        RunAsync(async (sink, ct) =>
        {
            // Streams each message as it arrives, until -Count, the close, a quiet -TimeoutSec, or Ctrl+C.
            for (var received = 0; Count == 0 || received < Count; received++)
            {
                WebSocketMessage? message;
                try
                {
                    message = await session.ReceiveAsync(TimeoutSec, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    sink.WriteFailure(Failures.From(session.Uri, ex, TimeSpan.FromSeconds(TimeoutSec)));
                    return;
                }
                if (message is null)
                {
                    sink.WriteVerbose($"{session.Uri} closed the connection ({session.CloseStatus ?? session.State}).");
                    return;
                }
                sink.WriteObject(message);
            }
        }, session.Uri);
    }
}
