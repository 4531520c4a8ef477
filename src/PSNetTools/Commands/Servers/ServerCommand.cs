using System.Management.Automation;
using System.Net;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Servers;

/// <summary>The parameters every Start-*Server cmdlet shares: where it listens, its name, and -Wait.</summary>
public abstract class ServerCommand : AsyncCmdlet
{
    [Parameter]
    [ValidateNotNull]
    public IPAddress Address { get; set; } = IPAddress.Loopback;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter]
    public SwitchParameter Wait { get; set; }
}
