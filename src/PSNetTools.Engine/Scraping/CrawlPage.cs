using PSNetTools.Net;

namespace PSNetTools.Scraping;

/// <summary>One row of Invoke-Crawl: a page as fetched.</summary>
public sealed record CrawlPage
{
    public required string Uri { get; init; }

    public int Depth { get; init; }

    /// <summary>The page the link was found on; empty for start pages.</summary>
    public string Referrer { get; init; } = "";

    /// <summary>0 when nothing was fetched (see Error).</summary>
    public int StatusCode { get; init; }

    public string ContentType { get; init; } = "";

    public string Title { get; init; } = "";

    public int LinkCount { get; init; }

    public long Bytes { get; init; }

    /// <summary>The answer went on beyond MaximumContentBytes: Bytes is the part read, and links were taken from it.</summary>
    public bool Truncated { get; init; }

    public double DurationMs { get; init; }

    /// <summary>Why the page could not be fetched or was skipped; empty otherwise.</summary>
    public string Error { get; init; } = "";

    /// <summary>With selectors: the matched elements (their texts joined with "; " in a CSV; the types file gives CrawlPage the depth to keep them whole through remoting).</summary>
    public IReadOnlyList<ScrapedElement> Items { get => _items; init => _items = ReadableList.From(value); }

    private readonly ReadableList<ScrapedElement> _items = ReadableList.Empty<ScrapedElement>();
}
