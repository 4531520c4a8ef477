using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;

namespace PSNetTools.Net;

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
        if (NotAHost(text!, s) is { } wrongShape)
        {
            error = wrongShape;
            return false;
        }

        var slash = s.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            if (!TryAddress(s[..slash], out var network, out var badNetwork))
            {
                error = badNetwork is null
                    ? $"'{text}' is not a valid CIDR block: write it as 10.0.0.0/24 or fd00::/120."
                    : $"'{text}' is not a valid CIDR block: '{s[..slash]}' is {badNetwork}";
                return false;
            }
            if (!int.TryParse(s[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
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
            (first, size) = HostsOnly(first, size, prefix, bits);
            if (size.IsZero)
            {
                error = $"'{text}' holds only the unspecified address ({s[..slash]}), which is no host: connecting to it reaches this machine.";
                return false;
            }
            spec = new TargetSpec(s, TargetKind.Cidr, first, size, network.AddressFamily);
            return true;
        }

        var dash = s.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0 && LooksLikeIPv4(s[..dash]))
        {
            if (!TryStrictIPv4(s[..dash], out var start, out var badStart))
            {
                error = $"'{text}' is not a valid address range: '{s[..dash]}' is {badStart}";
                return false;
            }
            var tail = s[(dash + 1)..];
            IPAddress? end = null;
            if (tail.Length is > 0 and <= 3 && tail.All(char.IsAsciiDigit) && int.Parse(tail, CultureInfo.InvariantCulture) <= 255)
            {
                var b = start.GetAddressBytes();
                b[3] = (byte)int.Parse(tail, CultureInfo.InvariantCulture);
                end = new IPAddress(b);
            }
            else if (TryStrictIPv4(tail, out var e, out var badEnd))
            {
                end = e;
            }
            else if (LooksLikeIPv4(tail))
            {
                error = $"'{text}' is not a valid address range: '{tail}' is {badEnd}";
                return false;
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

        if (TryAddress(s, out var address, out var badAddress))
        {
            spec = new TargetSpec(s, TargetKind.Address, ToInteger(address), 1, address.AddressFamily);
            return true;
        }
        if (badAddress is not null)
        {
            // Never a host name to look up: resolvers answer "256.0.0.1" with NXDOMAIN at best, a search domain's host at worst.
            error = $"'{text}' is {badAddress}";
            return false;
        }

        if (Uri.CheckHostName(s) != UriHostNameType.Dns)
        {
            error = $"'{text}' is not a host name, an IP address, a CIDR block or an address range.";
            return false;
        }
        spec = new TargetSpec(s, TargetKind.HostName, 0, 1, AddressFamily.Unspecified);
        return true;
    }

    /// <summary>
    /// An IPv6 address, or an IPv4 address written as four decimal numbers from 0 to 255. What only looks like IPv4
    /// (digits and dots, or a form the C library would take: "1.2.3" is 1.2.0.3, "0x7f.1" and "017.0.0.1" are hex and
    /// octal, "2130706433" is one number) is refused with <paramref name="bad"/> saying why, so it can neither reach a
    /// surprising address nor go to DNS as a name.
    /// </summary>
    private static bool TryAddress(string s, out IPAddress address, out string? bad)
    {
        bad = null;
        if (LooksLikeIPv4(s)) return TryStrictIPv4(s, out address, out bad);
        if (s.Contains(':', StringComparison.Ordinal) && IPAddress.TryParse(s, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6)
        {
            address = v6;
            return true;
        }
        address = IPAddress.None;
        return false;
    }

    // What users paste from elsewhere: a URI or host:port. Say what it is instead of failing as a CIDR block or a bad name.
    private static string? NotAHost(string text, string s)
    {
        var scheme = s.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0)
        {
            var host = Uri.TryCreate(s, UriKind.Absolute, out var uri) ? uri.IdnHost.Trim('[', ']') : "";
            return host.Length > 0
                ? $"'{text}' is a URI, not a host: the host in it is '{host}'."
                : $"'{text}' is a URI, not a host.";
        }
        var colon = s.LastIndexOf(':');
        if (colon > 0 && s.IndexOf(':', StringComparison.Ordinal) == colon && s.IndexOf('/', StringComparison.Ordinal) < 0)
        {
            var port = s[(colon + 1)..];
            return port.Length > 0 && port.All(char.IsAsciiDigit)
                ? $"'{text}' is host:port; a target is the host alone ('{s[..colon]}'), the port is given separately."
                : $"'{text}' is not a host name, an IP address, a CIDR block or an address range.";
        }
        if (s.StartsWith('[') && s.Contains("]:", StringComparison.Ordinal))
        {
            return $"'{text}' is [address]:port; a target is the address alone ('{s[1..s.IndexOf(']', StringComparison.Ordinal)]}'), the port is given separately.";
        }
        return null;
    }

    /// <summary>
    /// The host addresses of a block, as Test-Connection and ping sweeps count them: an IPv4 /30 or wider drops its
    /// network and broadcast addresses (a /30 has two hosts), an IPv6 /126 or wider drops its all-zero subnet-router
    /// anycast address; /31 and /32 (RFC 3021 point-to-point links, single hosts) and IPv6 /127 and /128 (RFC 6164)
    /// keep every address. The unspecified address (0.0.0.0, ::) is never a host: on Linux a connection to it reaches
    /// this machine, so ::1/127 is ::1 alone.
    /// </summary>
    private static (BigInteger First, BigInteger Size) HostsOnly(BigInteger first, BigInteger size, int prefix, int bits)
    {
        if (bits == 32 && prefix <= 30) return (first + 1, size - 2);
        if (bits == 128 && prefix <= 126) return (first + 1, size - 1);
        return first.IsZero ? (first + 1, size - 1) : (first, size);
    }

    /// <summary>
    /// Why <paramref name="host"/>, the host of one server (a mail server, a URL's host), is not an address although it
    /// looks like one ("'256.0.0.1' is not a valid IPv4 address: ..."), read as fan-out targets are; null for a valid
    /// address or a name. The system resolver would send 256.0.0.1 to DNS as a name.
    /// </summary>
    public static string? NotAnAddress(string host)
    {
        var s = (host ?? "").Trim();
        return LooksLikeIPv4(s) && !TryStrictIPv4(s, out _, out var bad) ? $"'{s}' is {bad}" : null;
    }

    /// <summary>
    /// Why the host of <paramref name="uri"/> is not an address although it looks like one; null when it is an address
    /// or a name. System.Uri already reads the short, octal and hex forms browsers accept (1.2.3, 0x7f.1) as IPv4, and
    /// takes what fails them (256.0.0.1, 1.2.3.4.5) for a DNS name, which browsers refuse as an invalid URL (WHATWG: a
    /// host that ends in a number is an IPv4 address or nothing).
    /// </summary>
    public static string? NotAnAddress(Uri uri) =>
        uri is { IsAbsoluteUri: true, HostNameType: UriHostNameType.Dns } ? NotAnAddress(uri.IdnHost.TrimEnd('.')) : null;

    private static bool LooksLikeIPv4(string s) =>
        s.Length > 0 && !s.Contains(':', StringComparison.Ordinal) &&
        (s.All(c => char.IsAsciiDigit(c) || c == '.') || (IPAddress.TryParse(s, out var a) && a.AddressFamily == AddressFamily.InterNetwork));

    private static bool TryStrictIPv4(string s, out IPAddress address, out string? bad)
    {
        address = IPAddress.None;
        bad = null;
        var parts = s.Split('.');
        string? why = null;
        if (parts.Length != 4) why = $"has {parts.Length} part{(parts.Length == 1 ? "" : "s")}, not 4";
        else if (parts.FirstOrDefault(p => p.Length == 0 || !p.All(char.IsAsciiDigit)) is { } notDecimal) why = $"has '{notDecimal}', which is not a decimal number";
        else if (parts.FirstOrDefault(p => p.Length > 1 && p[0] == '0') is { } octal) why = $"has '{octal}', whose leading zero some tools read as octal";
        else if (parts.FirstOrDefault(p => p.Length > 3 || int.Parse(p, CultureInfo.InvariantCulture) > 255) is { } big) why = $"has '{big}', which is above 255";
        if (why is not null)
        {
            bad = $"not a valid IPv4 address: it {why}; write four numbers from 0 to 255, such as 192.0.2.10.";
            return false;
        }
        address = new IPAddress(parts.Select(p => byte.Parse(p, CultureInfo.InvariantCulture)).ToArray());
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
