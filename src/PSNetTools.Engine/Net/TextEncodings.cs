using System.Text;

namespace PSNetTools.Net;

/// <summary>Encodings by the names PowerShell users type (utf8, ascii, unicode, latin1...) plus code pages such as gbk or 936.</summary>
public static class TextEncodings
{
    private static readonly Lazy<bool> CodePages = new(() =>
    {
        // GBK, Big5, Shift_JIS and the other legacy code pages are not built in on .NET; the provider ships with it.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return true;
    });

    /// <summary>Makes GBK, Shift_JIS and the other code pages available to every decoder in the process.</summary>
    public static void EnsureCodePages() => _ = CodePages.Value;

    public static IReadOnlyList<string> CommonNames { get; } =
        ["utf8", "utf8BOM", "ascii", "unicode", "bigendianunicode", "utf32", "latin1", "gbk", "gb18030", "big5", "shift_jis"];

    public static Encoding Get(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        switch (name.Trim().ToUpperInvariant())
        {
            case "UTF8" or "UTF-8" or "UTF8NOBOM": return new UTF8Encoding(false);
            case "UTF8BOM": return new UTF8Encoding(true);
            case "ASCII": return Encoding.ASCII;
            case "UNICODE": return Encoding.Unicode;
            case "BIGENDIANUNICODE": return Encoding.BigEndianUnicode;
            case "UTF32": return Encoding.UTF32;
            case "LATIN1": return Encoding.Latin1;
        }
        _ = CodePages.Value;
        try
        {
            return int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var codePage)
                ? Encoding.GetEncoding(codePage)
                : Encoding.GetEncoding(name.Trim());
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            throw new ArgumentException($"'{name}' is not an encoding this system knows; use one of {string.Join(", ", CommonNames)}, or a code page number such as 936.", nameof(name), ex);
        }
    }
}
