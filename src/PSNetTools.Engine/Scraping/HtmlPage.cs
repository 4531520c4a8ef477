using PSNetTools.Net;

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

    // The lists read as their items joined with "; " (Export-Csv writes ToString(): hrefs, headings, sources), and stay
    // lists of records for the pipeline, JSON and remoting (the types file gives HtmlPage the depth to keep link text).

    /// <summary>Links as absolute URIs with their text, in page order (fragment-only and javascript: links left out).</summary>
    public IReadOnlyList<PageLink> Links { get => _links; init => _links = ReadableList.From(value); }

    /// <summary>h1-h6 as "h2: text", in page order.</summary>
    public IReadOnlyList<string> Headings { get => _headings; init => _headings = ReadableList.From(value); }

    /// <summary>Image sources as absolute URIs.</summary>
    public IReadOnlyList<string> Images { get => _images; init => _images = ReadableList.From(value); }

    private readonly ReadableList<PageLink> _links = ReadableList.Empty<PageLink>();
    private readonly ReadableList<string> _headings = ReadableList.Empty<string>();
    private readonly ReadableList<string> _images = ReadableList.Empty<string>();
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

    /// <summary>The element's attributes; reads as "name=value; name=value" in a CSV.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get => _attributes; init => _attributes = ReadableDictionary.From(value); }

    private readonly ReadableDictionary _attributes = ReadableDictionary.Empty;

    /// <summary>The text: what "$element" and a list of elements in a CSV cell show.</summary>
    public override string ToString() => Text;
}
