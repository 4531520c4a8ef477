using System.Globalization;

namespace PSNetTools.Net;

/// <summary>An inclusive range of TCP/UDP ports, written "80" or "8000-8100".</summary>
public readonly record struct PortRange
{
    public PortRange(int first, int last)
    {
        if (first is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(first), first, $"Port {first} is out of range: ports are 1 to 65535.");
        if (last is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(last), last, $"Port {last} is out of range: ports are 1 to 65535.");
        if (first > last) throw new ArgumentException($"Port range {first}-{last} runs backwards: write {last}-{first}.", nameof(first));
        First = first;
        Last = last;
    }

    public int First { get; }

    public int Last { get; }

    public int Count => Last - First + 1;

    /// <summary>Parses "443", "8000-8100" or a comma list element; the message says what is wrong.</summary>
    public static PortRange Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim();
        var dash = s.IndexOf('-', 1 < s.Length ? 1 : 0);
        if (dash > 0)
        {
            return new PortRange(ParsePort(s[..dash], text), ParsePort(s[(dash + 1)..], text));
        }
        var p = ParsePort(s, text);
        return new PortRange(p, p);
    }

    private static int ParsePort(string part, string whole)
    {
        if (!int.TryParse(part.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var port))
        {
            throw new FormatException($"'{whole}' is not a port or a port range: write 80, or 8000-8100.");
        }
        if (port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(whole), port, $"Port {port} is out of range: ports are 1 to 65535.");
        return port;
    }

    public override string ToString() => First == Last
        ? First.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{First}-{Last}");
}
