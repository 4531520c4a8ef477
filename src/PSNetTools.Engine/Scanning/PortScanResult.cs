namespace PSNetTools.Scanning;

/// <summary>One row of Find-OpenPort: a port on one address and what answered.</summary>
public sealed record PortScanResult
{
    public required string ComputerName { get; init; }

    public required string Address { get; init; }

    public required int Port { get; init; }

    /// <summary>Open, Closed or Filtered: a PortState name, held as text so that Export-Csv, ConvertTo-Json and remoting all write the word (JSON would write an enum as a number).</summary>
    public required string State { get; init; }

    /// <summary>The IANA service name usually found on this port (empty when none is registered).</summary>
    public string Service { get; init; } = "";

    /// <summary>Time to the connection's outcome (accept or reset); the timeout for Filtered.</summary>
    public double LatencyMs { get; init; }
}
