using System.Globalization;
using System.Management.Automation;
using PSNetTools.Scraping;

namespace PSNetTools.Commands.Scraping;

/// <summary>
/// The cmdlet-side words of the HTTP clients' limits (Test-HttpEndpoint, Invoke-Scrape, Invoke-Crawl): which
/// parameter raises the limit that stopped a page. The engine says what happened; this says what to do about it.
/// </summary>
internal static class WebClientAdvice
{
    /// <summary>"16 MB", "512 KB" or "2000 bytes": the cap as the user typed it, more or less.</summary>
    public static string Bytes(long count) => count switch
    {
        >= 1024 * 1024 when count % (1024 * 1024) == 0 => string.Create(CultureInfo.InvariantCulture, $"{count / (1024 * 1024)} MB"),
        >= 1024 when count % 1024 == 0 => string.Create(CultureInfo.InvariantCulture, $"{count / 1024} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{count} bytes"),
    };

    public static string Truncated(string uri, long limit, string consequence) =>
        $"{uri}: the body was cut at {Bytes(limit)}; {consequence} Raise -MaximumContentBytes to read more.";

    public static ErrorRecord Record(HtmlParseLimitException exception, object target) => new(exception, HtmlParseLimitException.ErrorId, ErrorCategory.LimitsExceeded, target)
    {
        ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = "Raise -ParseTimeoutSec if the page is large but legitimate." },
    };
}
