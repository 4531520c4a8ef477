namespace PSNetTools.Scraping;

/// <summary>
/// Resolves an href the way Python's urllib.parse.urljoin does (what BeautifulSoup users write), where that differs
/// from .NET's Uri: an empty href or a bare "#" is the page itself (not "page#"), and an absolute href is kept as
/// written ("https://pypi.org" does not gain a "/"). A relative href is resolved by Uri and comes back canonical
/// (spaces as %20, the host in lower case, a default port dropped), which urljoin leaves as written.
/// </summary>
public static class UrlJoin
{
    public static string Resolve(Uri baseUri, string href)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        var raw = (href ?? "").Trim();
        if (raw.Length == 0 || raw == "#") return baseUri.GetLeftPart(UriPartial.Query);
        // "/x" parses as an absolute file: URI on Unix; only an href that starts with its own scheme is absolute.
        if (Uri.TryCreate(raw, UriKind.Absolute, out var absolute) && raw.StartsWith(absolute.Scheme + ":", StringComparison.OrdinalIgnoreCase))
        {
            return raw;
        }
        return Uri.TryCreate(baseUri, raw, out var joined) ? joined.AbsoluteUri : raw;
    }
}
