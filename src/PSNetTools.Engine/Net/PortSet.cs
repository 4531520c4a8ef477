namespace PSNetTools.Net;

/// <summary>A set of ports from several ranges, enumerated once each in ascending order.</summary>
public sealed class PortSet
{
    private readonly int[] _ports;

    public PortSet(IEnumerable<PortRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        var set = new SortedSet<int>();
        foreach (var r in ranges)
        {
            for (var p = r.First; p <= r.Last; p++) set.Add(p);
        }
        _ports = [.. set];
    }

    public int Count => _ports.Length;

    public IReadOnlyList<int> Ports => _ports;

    /// <summary>Parses "22,80,8000-8100" (also with spaces).</summary>
    public static PortSet Parse(string text) =>
        new(text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(PortRange.Parse));
}
