namespace PSNetTools.Scraping;

public sealed record CrawlOptions
{
    public required IReadOnlyList<Uri> StartUris { get; init; }

    /// <summary>Links followed from the start pages: 0 fetches the start pages only.</summary>
    public int Depth { get; init; } = 2;

    /// <summary>
    /// Rows in all: pages fetched, failed or refused by robots.txt. It also bounds the frontier: a link is queued only
    /// while fewer than MaxPages URLs have been queued, so memory follows MaxPages, not what the pages link to.
    /// </summary>
    public int MaxPages { get; init; } = 1000;

    /// <summary>Links taken from one page at most (in page order); the rest are counted and reported, not followed.</summary>
    public int MaximumLinksPerPage { get; init; } = DefaultMaximumLinksPerPage;

    public const int DefaultMaximumLinksPerPage = 20_000;

    /// <summary>How long parsing one page with selectors may take (see HtmlParseLimits).</summary>
    public Scraping.HtmlParseLimits ParseLimits { get; init; } = Scraping.HtmlParseLimits.Default;

    /// <summary>Lines worth a verbose stream: links dropped, robots.txt refused. Called from any thread; must not throw.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>
    /// Hosts the crawl may enter (and their subdomains); empty: the start pages' hosts. Fetch.Headers go only to the
    /// origins of the start pages: other hosts, even allowed ones, get only HttpRedirects.SafeHeaders.
    /// </summary>
    public IReadOnlyList<string> AllowedDomains { get; init; } = [];

    /// <summary>Regular expressions a URL must match (one of them) to be fetched; empty: all.</summary>
    public IReadOnlyList<string> IncludePatterns { get; init; } = [];

    public IReadOnlyList<string> ExcludePatterns { get; init; } = [];

    /// <summary>Requests in flight over all hosts.</summary>
    public int ThrottleLimit { get; init; } = 8;

    /// <summary>Requests in flight to one host.</summary>
    public int PerHostLimit { get; init; } = 8;

    /// <summary>Minimum time between two requests to the same host.</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.Zero;

    public bool RespectRobotsTxt { get; init; } = true;

    public IReadOnlyList<string> Selectors { get; init; } = [];

    public Scraping.FetchOptions Fetch { get; init; } = new() { FollowRedirects = false };
}
