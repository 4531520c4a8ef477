namespace PSNetTools.Scraping;

/// <summary>
/// One spelling per page, so each is fetched once: scheme and host lower-cased, default ports and fragments dropped,
/// dot segments resolved, an empty path made "/". Query strings are kept: they often name different pages.
/// </summary>
public static class UrlNormalizer
{
    public static bool TryNormalize(Uri baseUri, string href, out Uri normalized)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        normalized = baseUri;
        if (string.IsNullOrWhiteSpace(href) || !Uri.TryCreate(baseUri, href.Trim(), out var absolute)) return false;
        if (absolute.Scheme is not ("http" or "https")) return false;
        var builder = new UriBuilder(absolute)
        {
            Scheme = absolute.Scheme.ToLowerInvariant(),
            Host = absolute.Host.ToLowerInvariant(),
            Fragment = "",
        };
        if (absolute.IsDefaultPort) builder.Port = -1;
        if (builder.Path.Length == 0) builder.Path = "/";
        normalized = builder.Uri;
        return true;
    }

    public static string Key(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.PathAndQuery, UriFormat.UriEscaped);
    }
}
