using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;

namespace PSNetTools.Engine.Net;

public enum TargetKind
{
    HostName,
    Address,
    Cidr,
    Range,
}

/// <summary>
/// One target as the user typed it: a host name, an IPv4/IPv6 address, a CIDR block ("10.0.0.0/24")
/// or an IPv4 range ("127.0.0.1-127.0.0.20", "127.0.0.1-20"). Blocks and ranges are enumerated lazily:
/// a /8 never exists in memory as a list.
/// </summary>
public sealed class TargetSpec
{
    private readonly BigInteger _first;

    private TargetSpec(string text, TargetKind kind, BigInteger first, BigInteger count, AddressFamily family)
    {
        Text = text;
        Kind = kind;
        _first = first;
        Count = count;
        Family = family;
    }

    public string Text { get; }

    public TargetKind Kind { get; }

    public AddressFamily Family { get; }

    /// <summary>How many addresses the target stands for (1 for a host name).</summary>
    public BigInteger Count { get; }

    public static TargetSpec Parse(string text)
    {
        if (TryParse(text, out var spec, out var error)) return spec!;
        throw new FormatException(error);
    }

    public static bool TryParse(string? text, out TargetSpec? spec, out string? error)
    {
        spec = null;
        error = null;
        var s = text?.Trim() ?? "";
        if (s.Length == 0)
        {
            error = "An empty string is not a host: give a name, an address, a CIDR block (10.0.0.0/24) or a range (10.0.0.1-10.0.0.20).";
            return false;
        }
        // [::1] is how IPv6 addresses appear in URIs; accept it.
        if (s.StartsWith('[') && s.EndsWith(']')) s = s[1..^1];

        var slash = s.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            if (!IPAddress.TryParse(s[..slash], out var network) ||
                !int.TryParse(s[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
            {
                error = $"'{text}' is not a valid CIDR block: write it as 10.0.0.0/24 or fd00::/120.";
                return false;
            }
            var bits = network.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            if (prefix < 0 || prefix > bits)
            {
                error = $"'{text}' has prefix length /{prefix}; an {(bits == 32 ? "IPv4" : "IPv6")} prefix is 0 to {bits}.";
                return false;
            }
            var value = ToInteger(network);
            var size = BigInteger.One << (bits - prefix);
            var first = value & ~(size - 1) & ((BigInteger.One << bits) - 1);
            spec = new TargetSpec(s, TargetKind.Cidr, first, size, network.AddressFamily);
            return true;
        }

        var dash = s.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0 && IPAddress.TryParse(s[..dash], out var start) && start.AddressFamily == AddressFamily.InterNetwork)
        {
            var tail = s[(dash + 1)..];
            IPAddress? end = null;
            if (int.TryParse(tail, NumberStyles.None, CultureInfo.InvariantCulture, out var lastOctet) && lastOctet <= 255)
            {
                var b = start.GetAddressBytes();
                b[3] = (byte)lastOctet;
                end = new IPAddress(b);
            }
            else if (tail.Count(c => c == '.') == 3 && IPAddress.TryParse(tail, out var e) && e.AddressFamily == AddressFamily.InterNetwork)
            {
                end = e;
            }
            if (end is null)
            {
                error = $"'{text}' is not a valid address range: write 10.0.0.1-10.0.0.20 or 10.0.0.1-20.";
                return false;
            }
            var a = ToInteger(start);
            var z = ToInteger(end);
            if (z < a)
            {
                error = $"'{text}' runs backwards: the first address must not be above the last.";
                return false;
            }
            spec = new TargetSpec(s, TargetKind.Range, a, z - a + 1, AddressFamily.InterNetwork);
            return true;
        }

        if (IPAddress.TryParse(s, out var address))
        {
            spec = new TargetSpec(s, TargetKind.Address, ToInteger(address), 1, address.AddressFamily);
            return true;
        }

        if (Uri.CheckHostName(s) != UriHostNameType.Dns)
        {
            error = $"'{text}' is not a host name, an IP address, a CIDR block or an address range.";
            return false;
        }
        spec = new TargetSpec(s, TargetKind.HostName, 0, 1, AddressFamily.Unspecified);
        return true;
    }

    /// <summary>The addresses of an address, block or range, lazily; empty for a host name (resolve it instead).</summary>
    public IEnumerable<IPAddress> Addresses()
    {
        if (Kind == TargetKind.HostName) yield break;
        for (BigInteger i = 0; i < Count; i++)
        {
            yield return FromInteger(_first + i, Family);
        }
    }

    /// <summary>Resolves the target to its addresses: literal kinds need no DNS; names are looked up once.</summary>
    public async Task<IPAddress[]> ResolveAsync(CancellationToken cancellationToken)
    {
        if (Kind != TargetKind.HostName) return [.. Addresses()];
        var found = await Dns.GetHostAddressesAsync(Text, cancellationToken).ConfigureAwait(false);
        // Prefer IPv4 first, as ping and most tools do, but keep IPv6 for hosts that only have it.
        return [.. found.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)];
    }

    public override string ToString() => Text;

    private static BigInteger ToInteger(IPAddress address) =>
        new(address.GetAddressBytes(), isUnsigned: true, isBigEndian: true);

    private static IPAddress FromInteger(BigInteger value, AddressFamily family)
    {
        var length = family == AddressFamily.InterNetwork ? 4 : 16;
        var bytes = new byte[length];
        var raw = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        raw.CopyTo(bytes, length - raw.Length);
        return new IPAddress(bytes);
    }
}
