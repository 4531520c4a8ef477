namespace PSNetTools.Http.Hosting;

/// <summary>RFC 9110 token and field-value rules, for what clients send and for what handlers set.</summary>
public static class HttpTokens
{
    private const string Delimiters = "\"(),/:;<=>?@[\\]{}";

    public static bool IsToken(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty) return false;
        foreach (var b in text)
        {
            if (b <= 32 || b >= 127 || Delimiters.Contains((char)b, StringComparison.Ordinal)) return false;
        }
        return true;
    }

    public static bool IsToken(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) return false;
        foreach (var c in text)
        {
            if (c <= 32 || c >= 127 || Delimiters.Contains(c, StringComparison.Ordinal)) return false;
        }
        return true;
    }

    /// <summary>No CR, LF, NUL or other control characters (tab is allowed), and nothing outside Latin-1.</summary>
    public static bool IsFieldValue(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var c in text)
        {
            if ((c < 32 && c != '\t') || c == 127 || c > 255) return false;
        }
        return true;
    }
}
