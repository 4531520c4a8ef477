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

    /// <summary>
    /// -WhatIf and -Confirm: a server opens a port that others can reach (every interface with -Address 0.0.0.0 or ::),
    /// so starting one is a change to the machine as Start-Service is. False: say what would start, start nothing.
    /// </summary>
    protected bool ShouldStart(string what, int port)
    {
        var everywhere = Address.Equals(IPAddress.Any) || Address.Equals(IPAddress.IPv6Any);
        var endpoint = new IPEndPoint(Address, port).ToString();
        return ShouldProcess(
            $"{(port == 0 ? endpoint[..endpoint.LastIndexOf(':')] + ":(a free port)" : endpoint)}{(everywhere ? ", every interface" : "")}",
            $"Start {what}{(Name is null ? "" : $" '{Name}'")}");
    }
}
