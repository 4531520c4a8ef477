using System.Text.RegularExpressions;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using AngleSharp.Io;
using PSNetTools.Net;

namespace PSNetTools.Scraping;

/// <summary>
/// Parses pages with AngleSharp (an HTML5-conformant parser, so malformed HTML is repaired as browsers do) and turns
/// them into the module's own records; no AngleSharp type leaves this class. The encoding comes from the BOM, the
/// Content-Type header or a meta tag, in the order browsers use, so GBK or Shift_JIS pages read correctly. Every parse
/// runs under <see cref="HtmlParseLimits"/>: a time budget and a nesting cap.
/// </summary>
public static partial class HtmlScraper
{
    public static Task<HtmlPage> DescribeAsync(HtmlSource source, CancellationToken cancellationToken = default) => DescribeAsync(source, null, cancellationToken);

    public static async Task<HtmlPage> DescribeAsync(HtmlSource source, HtmlParseLimits? limits, CancellationToken cancellationToken = default)
    {
        using var document = await ParseAsync(source, limits, cancellationToken).ConfigureAwait(false);
        return Describe(source, document);
    }

    /// <summary>The page summary and the elements matched by <paramref name="selectors"/>, from one parse.</summary>
    public static Task<(HtmlPage Page, IReadOnlyList<ScrapedElement> Elements)> AnalyzeAsync(HtmlSource source, IReadOnlyList<string> selectors, CancellationToken cancellationToken = default) =>
        AnalyzeAsync(source, selectors, null, cancellationToken);

    public static async Task<(HtmlPage Page, IReadOnlyList<ScrapedElement> Elements)> AnalyzeAsync(HtmlSource source, IReadOnlyList<string> selectors, HtmlParseLimits? limits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selectors);
        using var document = await ParseAsync(source, limits, cancellationToken).ConfigureAwait(false);
        return (Describe(source, document), selectors.Count == 0 ? [] : Select(source, document, selectors));
    }

    private static HtmlPage Describe(HtmlSource source, IDocument document)
    {
        var resolvable = IsResolvable(source.Uri);
        var links = new List<PageLink>();
        foreach (var a in document.QuerySelectorAll("a[href], area[href]"))
        {
            var raw = a.GetAttribute("href")!.Trim();
            if (raw.Length == 0 || raw.StartsWith('#') || raw.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase)) continue;
            links.Add(new PageLink(resolvable ? Absolute(document, raw) : raw, Normalize(a.TextContent)));
        }
        return new HtmlPage
        {
            Uri = source.Uri,
            StatusCode = source.StatusCode,
            Title = Normalize(document.Title ?? ""),
            Description = document.QuerySelector("meta[name=description i]")?.GetAttribute("content")?.Trim() ?? "",
            Encoding = document.CharacterSet,
            Truncated = source.Truncated,
            FormCount = document.Forms.Length,
            Links = links,
            Headings = [.. document.QuerySelectorAll("h1, h2, h3, h4, h5, h6").Select(h => $"{h.LocalName}: {Normalize(h.TextContent)}")],
            Images = [.. document.QuerySelectorAll("img[src]").Select(i => resolvable ? Absolute(document, i.GetAttribute("src")!) : i.GetAttribute("src")!)],
        };
    }

    /// <summary>One record per element matched by each selector, in document order per selector.</summary>
    public static Task<IReadOnlyList<ScrapedElement>> SelectAsync(HtmlSource source, IReadOnlyList<string> selectors, CancellationToken cancellationToken = default) =>
        SelectAsync(source, selectors, null, cancellationToken);

    public static async Task<IReadOnlyList<ScrapedElement>> SelectAsync(HtmlSource source, IReadOnlyList<string> selectors, HtmlParseLimits? limits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selectors);
        using var document = await ParseAsync(source, limits, cancellationToken).ConfigureAwait(false);
        return Select(source, document, selectors);
    }

    private static List<ScrapedElement> Select(HtmlSource source, IDocument document, IReadOnlyList<string> selectors)
    {
        var resolvable = IsResolvable(source.Uri);
        var result = new List<ScrapedElement>();
        foreach (var selector in selectors)
        {
            IHtmlCollection<IElement> matches;
            try
            {
                matches = document.QuerySelectorAll(selector);
            }
            catch (DomException ex)
            {
                throw new ArgumentException($"'{selector}' is not a valid CSS selector: {ex.Message}", nameof(selectors), ex);
            }
            foreach (var e in matches)
            {
                var href = e.GetAttribute("href");
                var src = e.GetAttribute("src");
                result.Add(new ScrapedElement
                {
                    Uri = source.Uri,
                    Selector = selector,
                    Tag = e.LocalName,
                    Text = Normalize(e.TextContent),
                    Href = href is null ? "" : resolvable ? Absolute(document, href) : href,
                    Src = src is null ? "" : resolvable ? Absolute(document, src) : src,
                    InnerHtml = e.InnerHtml,
                    Attributes = e.Attributes.ToDictionary(a => a.Name, a => a.Value, StringComparer.OrdinalIgnoreCase),
                });
            }
        }
        return result;
    }

    /// <summary>Every table matched by <paramref name="selector"/> as a grid with spans expanded (see <see cref="TableGrid"/>).</summary>
    public static Task<IReadOnlyList<TableGrid>> TablesAsync(HtmlSource source, string selector, CancellationToken cancellationToken = default) =>
        TablesAsync(source, selector, null, cancellationToken);

    public static async Task<IReadOnlyList<TableGrid>> TablesAsync(HtmlSource source, string selector, HtmlParseLimits? limits, CancellationToken cancellationToken = default)
    {
        using var document = await ParseAsync(source, limits, cancellationToken).ConfigureAwait(false);
        IEnumerable<IElement> tables;
        try
        {
            tables = document.QuerySelectorAll(selector).SelectMany(e => e is IHtmlTableElement t ? [t] : e.QuerySelectorAll("table").Take(1));
        }
        catch (DomException ex)
        {
            throw new ArgumentException($"'{selector}' is not a valid CSS selector: {ex.Message}", nameof(selector), ex);
        }
        return [.. tables.OfType<IHtmlTableElement>().Select(t => TableGrid.From(t, Normalize))];
    }

    private static async Task<IDocument> ParseAsync(HtmlSource source, HtmlParseLimits? limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        limits ??= HtmlParseLimits.Default;
        TextEncodings.EnsureCodePages();
        // No loaders, no scripting: a scraped page must never make the parser fetch anything. The parser checks the
        // token between tokens, so the budget (and Ctrl+C) stops even a page whose every tag costs a scan of the stack.
        var parserOptions = new HtmlParserOptions { MaximumDepth = limits.MaximumDepth };
        var context = BrowsingContext.New(Configuration.Default.WithOnly<IHtmlParser>(c => new HtmlParser(parserOptions, c)));
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(limits.MaximumParseTime);
        try
        {
            return await context.OpenAsync(response =>
            {
                response.Content(new MemoryStream(source.Content, writable: false), shouldDispose: true);
                if (IsResolvable(source.Uri)) response.Address(source.Uri);
                if (!string.IsNullOrEmpty(source.ContentType)) response.Header(HeaderNames.ContentType, source.ContentType);
            }, budget.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HtmlParseLimitException(source.Uri, limits.MaximumParseTime, ex);
        }
    }

    private static bool IsResolvable(string uri) => System.Uri.TryCreate(uri, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" or "file";

    private static string Absolute(IDocument document, string raw)
    {
        var baseUri = document.BaseUrl?.Href ?? document.DocumentUri;
        return System.Uri.TryCreate(baseUri, UriKind.Absolute, out var page) ? UrlJoin.Resolve(page, raw) : raw;
    }

    public static string Normalize(string text) => Whitespace().Replace(text ?? "", " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
