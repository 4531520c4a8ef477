namespace PSNetTools.Scraping;

/// <summary>A link on a page: its absolute target and its text.</summary>
public sealed record PageLink(string Href, string Text)
{
    public override string ToString() => Href;
}

/// <summary>A page read whole, without selectors: one object per page.</summary>
public sealed record HtmlPage
{
    public required string Uri { get; init; }

    /// <summary>The HTTP status; 0 for HTML given as text or read from a file.</summary>
    public int StatusCode { get; init; }

    public string Title { get; init; } = "";

    public string Description { get; init; } = "";

    /// <summary>The character set the page was decoded with (from the header, a BOM or a meta tag).</summary>
    public string Encoding { get; init; } = "";

    public int LinkCount => Links.Count;

    public int ImageCount => Images.Count;

    public int FormCount { get; init; }

    /// <summary>The page went on beyond the size cap: what is here was parsed from the part that was read.</summary>
    public bool Truncated { get; init; }

    /// <summary>Links as absolute URIs with their text, in page order (fragment-only and javascript: links left out).</summary>
    public IReadOnlyList<PageLink> Links { get; init; } = [];

    /// <summary>h1-h6 as "h2: text", in page order.</summary>
    public IReadOnlyList<string> Headings { get; init; } = [];

    /// <summary>Image sources as absolute URIs.</summary>
    public IReadOnlyList<string> Images { get; init; } = [];
}

/// <summary>One element matched by a CSS selector.</summary>
public sealed record ScrapedElement
{
    public required string Uri { get; init; }

    public required string Selector { get; init; }

    public required string Tag { get; init; }

    /// <summary>The element's text with whitespace runs collapsed to one space.</summary>
    public string Text { get; init; } = "";

    /// <summary>href resolved to an absolute URI, when the element has one.</summary>
    public string Href { get; init; } = "";

    /// <summary>src resolved to an absolute URI, when the element has one.</summary>
    public string Src { get; init; } = "";

    public string InnerHtml { get; init; } = "";

    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();
}
