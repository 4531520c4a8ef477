using System.Management.Automation;
using PSNetTools.WebSockets;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.WebSockets;

[Cmdlet(VerbsCommunications.Disconnect, "WebSocket")]
[OutputType(typeof(WebSocketSession))]
public sealed class DisconnectWebSocketCommand : AsyncCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public WebSocketSession[] Session { get; set; } = [];

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var session in Session)
        {
            RunAsync(async (sink, ct) =>
            {
                // The close handshake, bounded by the session's timeout; a silent server is aborted instead.
                await session.DisposeAsync();
                if (PassThru) sink.WriteObject(session);
            }, session.Uri);
        }
    }
}
