using System.Management.Automation;
using System.Net;
using PSNetTools.Commands.Servers;
using PSNetTools.WebSockets;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.WebSockets;

[Cmdlet(VerbsLifecycle.Start, "WebSocketEchoServer", SupportsShouldProcess = true)]
[OutputType(typeof(WebSocketEchoServer))]
public sealed class StartWebSocketEchoServerCommand : HttpServerCommand
{
    [Parameter(Position = 0)]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    [Parameter]
    [AllowEmptyString]
    public string? ResponsePrefix { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxMessageBytes { get; set; } = 16 * 1024 * 1024;

    [Parameter]
    [ValidateRange(0.1, 86400)]
    public double IdleTimeoutSec { get; set; } = 300;

    protected override void EndProcessing()
    {
        if (!ShouldStart("a WebSocket echo server", Port)) return;
        ServerCommands.EnsureNameIsFree(this, Name);
        var options = new WebSocketEchoServerOptions
        {
            Address = Address,
            Port = Port,
            Name = Name,
            ResponsePrefix = ResponsePrefix,
            MaxMessageBytes = MaxMessageBytes,
            IdleTimeoutSec = IdleTimeoutSec,
            Limits = Limits(),
        };
        RunAsync(async (sink, ct) =>
        {
            var server = await WebSocketEchoServer.StartAsync(options, ct);
            sink.WriteObject(server);
            if (Wait) await ServerCommands.WaitWithLogAsync(server, sink, ct);
        }, Port);
    }
}
