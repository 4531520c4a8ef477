namespace PSNetTools.Scanning;

/// <summary>Live counters of a running scan, read by the cmdlet for Write-Progress; safe to read from any thread.</summary>
public sealed class ScanCounters
{
    private long _probes;
    private long _open;
    private long _hosts;

    public long ProbesDone => Interlocked.Read(ref _probes);

    public long OpenFound => Interlocked.Read(ref _open);

    /// <summary>Addresses whose expansion has started (resolved names, addresses of blocks and ranges).</summary>
    public long HostsStarted => Interlocked.Read(ref _hosts);

    internal void Probe(bool open)
    {
        Interlocked.Increment(ref _probes);
        if (open) Interlocked.Increment(ref _open);
    }

    internal void Host() => Interlocked.Increment(ref _hosts);
}
