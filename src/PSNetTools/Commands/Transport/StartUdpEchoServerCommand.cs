using System.Management.Automation;
using System.Net;
using PSNetTools.Commands.Servers;
using PSNetTools.Infrastructure;
using PSNetTools.Transport;

namespace PSNetTools.Commands.Transport;

[Cmdlet(VerbsLifecycle.Start, "UdpEchoServer", SupportsShouldProcess = true)]
[OutputType(typeof(UdpEchoServer))]
public sealed class StartUdpEchoServerCommand : ServerCommand
{
    [Parameter(Position = 0)]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    [Parameter]
    public string? ResponsePrefix { get; set; }

    protected override void EndProcessing()
    {
        if (!ShouldStart("a UDP echo server", Port)) return;
        ServerCommands.EnsureNameIsFree(this, Name);
        var options = new UdpEchoServerOptions { Address = Address, Port = Port, Name = Name, ResponsePrefix = ResponsePrefix };
        RunAsync((sink, ct) => ServerCommands.StartAsync(() => UdpEchoServer.StartAsync(options, ct), sink, Wait, ct), Port);
    }
}
