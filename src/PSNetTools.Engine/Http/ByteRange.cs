using System.Globalization;

namespace PSNetTools.Http;

/// <summary>What a Range header asks of a representation (RFC 9110 section 14.2).</summary>
public enum RangeOutcome
{
    /// <summary>No usable Range: malformed, another unit, or several ranges; the server ignores it and sends 200.</summary>
    Whole,

    /// <summary>One satisfiable range: 206.</summary>
    Part,

    /// <summary>Well-formed bytes ranges, none of which lies inside the representation: 416.</summary>
    Unsatisfiable,
}

/// <summary>Parses a single Range header: "bytes=0-499", "bytes=500-", "bytes=-500".</summary>
public static class ByteRange
{
    /// <summary>
    /// The range asked for. RFC 9110 lets a server ignore a Range it does not understand (and so serve the whole
    /// representation, as nginx does for unknown units and python's http.server for everything); only a well-formed
    /// bytes range that cannot be satisfied is a 416.
    /// </summary>
    public static RangeOutcome Parse(string header, long length, out long offset, out long count)
    {
        offset = 0;
        count = length;
        if (header is null || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) return RangeOutcome.Whole;
        var spec = header[6..].Trim();
        if (spec.Contains(',', StringComparison.Ordinal)) return RangeOutcome.Whole;
        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0) return RangeOutcome.Whole;
        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.Length == 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix)) return RangeOutcome.Whole;
            if (suffix == 0 || length == 0) return RangeOutcome.Unsatisfiable;
            count = Math.Min(suffix, length);
            offset = length - count;
            return RangeOutcome.Part;
        }
        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var start)) return RangeOutcome.Whole;
        var end = length - 1;
        if (last.Length > 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out end) || end < start) return RangeOutcome.Whole;
        }
        if (start >= length) return RangeOutcome.Unsatisfiable;
        end = Math.Min(end, length - 1);
        offset = start;
        count = end - start + 1;
        return RangeOutcome.Part;
    }
}
