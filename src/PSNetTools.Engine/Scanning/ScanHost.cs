using System.Diagnostics;
using System.Globalization;
using PSNetTools.Net;

namespace PSNetTools.Scanning;

/// <summary>
/// One address of a scan and its tally, shared by all of its probes: when the last probe reports, the host's one
/// verbose line says what was found (a full-range scan logs one line per host, not one per closed port).
/// </summary>
internal sealed class ScanHost(ResolvedTarget target, int ports, bool log)
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private int _open;
    private int _closed;
    private int _filtered;
    private readonly int _ports = ports;
    private int _left = ports;

    public ResolvedTarget Target { get; } = target;

    /// <summary>Counts a probe's answer; the host's tally line when it was the last one (and lines are wanted).</summary>
    public string? Count(PortState state)
    {
        switch (state)
        {
            case PortState.Open: Interlocked.Increment(ref _open); break;
            case PortState.Closed: Interlocked.Increment(ref _closed); break;
            default: Interlocked.Increment(ref _filtered); break;
        }
        if (Interlocked.Decrement(ref _left) != 0 || !log) return null;
        var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"{Name}: {_ports:N0} ports in {seconds:0.###} s: {_open:N0} open, {_closed:N0} closed, {_filtered:N0} filtered (no answer).");
    }

    /// <summary>The name as typed, with the address when they differ.</summary>
    public string Name => Target.ComputerName == Target.Address.ToString() ? Target.ComputerName : $"{Target.ComputerName} ({Target.Address})";
}

/// <summary>One connect to make: which host, which port, and its place in the scan's output order.</summary>
internal readonly record struct ScanProbe(ScanHost Host, int Port, long Sequence);
