using System.Net;

namespace PSNetTools.Net;

/// <summary>One address to work on, with the name the user typed (a host name, or the address itself for blocks and ranges).</summary>
public readonly record struct ResolvedTarget(string ComputerName, IPAddress Address)
{
    /// <summary>host:port as users write it, IPv6 literals in brackets.</summary>
    public string Describe(int port) =>
        ComputerName.Contains(':', StringComparison.Ordinal) ? $"[{ComputerName}]:{port}" : $"{ComputerName}:{port}";
}
