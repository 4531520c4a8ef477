using System.Globalization;

namespace PSNetTools.Engine.Http;

/// <summary>Parses a single Range header (RFC 9110 §14.1.2): "bytes=0-499", "bytes=500-", "bytes=-500".</summary>
public static class ByteRange
{
    /// <summary>False when the range is malformed, asks for several parts, or lies beyond the end (416).</summary>
    public static bool TryParse(string header, long length, out long offset, out long count)
    {
        offset = 0;
        count = length;
        if (header is null || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) return false;
        var spec = header[6..].Trim();
        if (spec.Contains(',', StringComparison.Ordinal)) return false;
        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0) return false;
        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.Length == 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix) || suffix == 0 || length == 0) return false;
            count = Math.Min(suffix, length);
            offset = length - count;
            return true;
        }
        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var start) || start >= length) return false;
        var end = length - 1;
        if (last.Length > 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out end) || end < start) return false;
            end = Math.Min(end, length - 1);
        }
        offset = start;
        count = end - start + 1;
        return true;
    }
}
