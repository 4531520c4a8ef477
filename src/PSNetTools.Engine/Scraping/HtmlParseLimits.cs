namespace PSNetTools.Scraping;

/// <summary>
/// What one HTML parse may cost. A page can be built to be slow to parse (80,000 nested div take a minute of CPU:
/// every start tag looks through the whole stack of open elements), so the parse has a time budget of its own,
/// enforced while parsing, and honours cancellation (Ctrl+C) throughout.
/// </summary>
public sealed record HtmlParseLimits
{
    public const int DefaultMaximumDepth = 512;

    // Declared before Default: static fields initialise in order, and Default's constructor reads this one.
    public static readonly TimeSpan DefaultMaximumParseTime = TimeSpan.FromSeconds(10);

    public static HtmlParseLimits Default { get; } = new();

    /// <summary>Parsing one page longer than this stops with <see cref="HtmlParseLimitException"/>.</summary>
    public TimeSpan MaximumParseTime { get; init; } = DefaultMaximumParseTime;

    /// <summary>
    /// Elements nested deeper than this are attached beside the deepest one instead of inside it (as browsers do), so
    /// walking the tree (text, selectors) never recurses deeper than this.
    /// </summary>
    public int MaximumDepth { get; init; } = DefaultMaximumDepth;
}

/// <summary>A page took longer to parse than <see cref="HtmlParseLimits.MaximumParseTime"/>; it was not parsed further.</summary>
public sealed class HtmlParseLimitException : Exception
{
    /// <summary>The ErrorId of this failure in every cmdlet that parses HTML.</summary>
    public const string ErrorId = "ParseTimeLimitExceeded";

    public HtmlParseLimitException()
    {
    }

    public HtmlParseLimitException(string message)
        : base(message)
    {
    }

    public HtmlParseLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal HtmlParseLimitException(string uri, TimeSpan limit, Exception innerException)
        : base($"{(uri.Length > 0 ? uri : "The HTML")}: parsing took longer than the parse-time limit of {limit.TotalSeconds:0.###} s and was stopped; the page is nested or built to be slow to parse.", innerException)
    {
        Limit = limit;
    }

    public TimeSpan Limit { get; }
}
