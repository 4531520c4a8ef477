using System.Management.Automation;
using System.Net;
using PSNetTools.Engine.Udp;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Servers;

[Cmdlet(VerbsLifecycle.Start, "UdpEchoServer")]
[OutputType(typeof(UdpEchoServer))]
public sealed class StartUdpEchoServerCommand : AsyncCmdlet
{
    [Parameter(Position = 0)]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    [Parameter]
    [ValidateNotNull]
    public IPAddress Address { get; set; } = IPAddress.Loopback;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter]
    public string? ResponsePrefix { get; set; }

    [Parameter]
    public SwitchParameter Wait { get; set; }

    protected override void EndProcessing()
    {
        ServerCommands.EnsureNameIsFree(this, Name);
        var options = new UdpEchoServerOptions { Address = Address, Port = Port, Name = Name, ResponsePrefix = ResponsePrefix };
        RunAsync((sink, ct) => ServerCommands.StartAsync(() => UdpEchoServer.StartAsync(options, ct), sink, Wait, ct), Port);
    }
}
