namespace PSNetTools.Engine.Crawling;

public sealed record CrawlOptions
{
    public required IReadOnlyList<Uri> StartUris { get; init; }

    /// <summary>Links followed from the start pages: 0 fetches the start pages only.</summary>
    public int Depth { get; init; } = 2;

    public int MaxPages { get; init; } = 1000;

    /// <summary>Hosts the crawl may enter (and their subdomains); empty: the start pages' hosts.</summary>
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
