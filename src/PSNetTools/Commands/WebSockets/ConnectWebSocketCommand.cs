using System.Collections;
using System.Management.Automation;
using PSNetTools.Net;
using PSNetTools.WebSockets;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.WebSockets;

[Cmdlet(VerbsCommunications.Connect, "WebSocket")]
[OutputType(typeof(WebSocketSession))]
public sealed class ConnectWebSocketCommand : TlsClientCommand
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public Uri Uri { get; set; } = null!;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Subprotocol { get; set; }

    [Parameter]
    [ValidateNotNull]
    public IDictionary? Headers { get; set; }

    [Parameter]
    [ValidateRange(0.01, 86400)]
    public double TimeoutSec { get; set; } = 30;

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxMessageBytes { get; set; } = 16 * 1024 * 1024;

    protected override void ProcessRecord()
    {
        if (WebSocketParameters.CheckUri(Uri) is { } bad)
        {
            WriteError(bad);
            return;
        }
        var options = WebSocketParameters.Options(Uri, Subprotocol, Headers, TimeoutSec, Trust(), MaxMessageBytes);
        var target = Uri.OriginalString;
        RunAsync(async (sink, ct) =>
        {
            try
            {
                sink.WriteObject(await WebSocketSession.ConnectAsync(options with { Log = sink.WriteVerbose }, ct));
            }
            catch (Exception ex) when (ex is not OperationCanceledException && ex is not ArgumentException)
            {
                sink.WriteFailure(Failures.From(target, ex, TimeSpan.FromSeconds(TimeoutSec)));
            }
        }, target);
    }
}
