using System.Net;
using System.Text;
using PSNetTools.Net;

namespace PSNetTools.Scraping;

/// <summary>
/// The crawler's fast path: the title, the base and the a/area links of a page from one pass over the text, without
/// building a DOM (about ten times faster than a full HTML5 parse, which a crawl of thousands of pages feels). It
/// follows the tokenizer rules that matter for links: comments, script/style/textarea/title raw text, quoted and
/// unquoted attributes, character references. Scraping and selectors keep using the full parser.
/// </summary>
public static class LinkScanner
{
    public static (string Title, IReadOnlyList<string> Links) Scan(HtmlSource source)
    {
        var (title, links, _) = Scan(source, int.MaxValue);
        return (title, links);
    }

    /// <summary>
    /// The title and the first <paramref name="maximumLinks"/> links; Total counts every link on the page, so a page of
    /// 200,000 links costs a count, not 200,000 strings.
    /// </summary>
    public static (string Title, IReadOnlyList<string> Links, int Total) Scan(HtmlSource source, int maximumLinks)
    {
        ArgumentNullException.ThrowIfNull(source);
        var html = Decode(source);
        var links = new List<string>();
        var total = 0;
        string? title = null;
        string? baseHref = null;
        var i = 0;
        while (i < html.Length)
        {
            var lt = html.IndexOf('<', i);
            if (lt < 0 || lt + 1 >= html.Length) break;
            if (string.CompareOrdinal(html, lt, "<!--", 0, 4) == 0)
            {
                var end = html.IndexOf("-->", lt + 4, StringComparison.Ordinal);
                i = end < 0 ? html.Length : end + 3;
                continue;
            }
            var c = html[lt + 1];
            if (!char.IsAsciiLetter(c))
            {
                // </tag>, <!DOCTYPE>, <?...>: skip to the end of the tag.
                var close = html.IndexOf('>', lt + 1);
                i = close < 0 ? html.Length : close + 1;
                continue;
            }
            var nameEnd = lt + 1;
            while (nameEnd < html.Length && (char.IsAsciiLetterOrDigit(html[nameEnd]) || html[nameEnd] == '-')) nameEnd++;
            var name = html.AsSpan(lt + 1, nameEnd - lt - 1);
            var (attributes, tagEnd) = ReadAttributes(html, nameEnd);
            i = tagEnd;
            if (name.Equals("a", StringComparison.OrdinalIgnoreCase) || name.Equals("area", StringComparison.OrdinalIgnoreCase))
            {
                if (attributes.TryGetValue("href", out var href) && IsLink(href) && total++ < maximumLinks) links.Add(href);
            }
            else if (name.Equals("base", StringComparison.OrdinalIgnoreCase))
            {
                if (baseHref is null && attributes.TryGetValue("href", out var b)) baseHref = b;
            }
            else if (IsRawText(name))
            {
                // Everything up to the matching end tag is text: a "<a" inside a script is not a link.
                var endTag = "</" + name.ToString();
                var end = html.IndexOf(endTag, i, StringComparison.OrdinalIgnoreCase);
                if (name.Equals("title", StringComparison.OrdinalIgnoreCase) && title is null)
                {
                    title = WebUtility.HtmlDecode(html[i..(end < 0 ? html.Length : end)]);
                }
                i = end < 0 ? html.Length : end;
            }
        }
        var baseUri = Uri.TryCreate(source.Uri, UriKind.Absolute, out var page) ? page : null;
        if (baseUri is not null && baseHref is not null && Uri.TryCreate(baseUri, baseHref.Trim(), out var declared)) baseUri = declared;
        var result = new List<string>(links.Count);
        foreach (var raw in links)
        {
            var href = raw.Trim();
            result.Add(baseUri is not null ? UrlJoin.Resolve(baseUri, href) : href);
        }
        return (HtmlScraper.Normalize(title ?? ""), result, total);
    }

    // Fragment-only and javascript: hrefs are not links to follow (nor counted), as in Invoke-Scrape.
    private static bool IsLink(string raw)
    {
        var href = raw.AsSpan().Trim();
        return href.Length > 0 && href[0] != '#' && !href.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsRawText(ReadOnlySpan<char> name) =>
        name.Equals("script", StringComparison.OrdinalIgnoreCase) || name.Equals("style", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("title", StringComparison.OrdinalIgnoreCase) || name.Equals("textarea", StringComparison.OrdinalIgnoreCase);

    private static (Dictionary<string, string> Attributes, int End) ReadAttributes(string html, int i)
    {
        var attributes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (i < html.Length)
        {
            while (i < html.Length && (char.IsWhiteSpace(html[i]) || html[i] == '/')) i++;
            if (i >= html.Length) break;
            if (html[i] == '>') return (attributes, i + 1);
            var start = i;
            while (i < html.Length && !char.IsWhiteSpace(html[i]) && html[i] is not ('=' or '>' or '/')) i++;
            var name = html[start..i];
            while (i < html.Length && char.IsWhiteSpace(html[i])) i++;
            if (i < html.Length && html[i] == '=')
            {
                i++;
                while (i < html.Length && char.IsWhiteSpace(html[i])) i++;
                string value;
                if (i < html.Length && html[i] is '"' or '\'')
                {
                    var quote = html[i];
                    var close = html.IndexOf(quote, i + 1);
                    if (close < 0) close = html.Length;
                    value = html[(i + 1)..close];
                    i = Math.Min(html.Length, close + 1);
                }
                else
                {
                    var vs = i;
                    while (i < html.Length && !char.IsWhiteSpace(html[i]) && html[i] != '>') i++;
                    value = html[vs..i];
                }
                attributes.TryAdd(name, WebUtility.HtmlDecode(value));
            }
            else if (name.Length > 0)
            {
                attributes.TryAdd(name, "");
            }
            else
            {
                i++;
            }
        }
        return (attributes, i);
    }

    /// <summary>BOM, then the Content-Type charset, then a meta charset in the first 1024 bytes, else UTF-8.</summary>
    public static string Decode(HtmlSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var bytes = source.Content;
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) return Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE) return Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2);
        if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF) return Encoding.BigEndianUnicode.GetString(bytes, 2, bytes.Length - 2);
        var charset = Charset(source.ContentType) ?? MetaCharset(bytes);
        var encoding = Encoding.UTF8;
        if (charset is not null)
        {
            try
            {
                encoding = TextEncodings.Get(charset);
            }
            catch (ArgumentException)
            {
            }
        }
        return encoding.GetString(bytes);
    }

    private static string? Charset(string? contentType)
    {
        if (contentType is null) return null;
        var at = contentType.IndexOf("charset=", StringComparison.OrdinalIgnoreCase);
        return at < 0 ? null : contentType[(at + 8)..].Split(';')[0].Trim().Trim('"', '\'');
    }

    private static string? MetaCharset(byte[] bytes)
    {
        var head = Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 1024));
        var at = head.IndexOf("charset=", StringComparison.OrdinalIgnoreCase);
        if (at < 0) return null;
        var rest = head[(at + 8)..].TrimStart('"', '\'');
        var end = 0;
        while (end < rest.Length && (char.IsAsciiLetterOrDigit(rest[end]) || rest[end] is '-' or '_')) end++;
        return end == 0 ? null : rest[..end];
    }
}
