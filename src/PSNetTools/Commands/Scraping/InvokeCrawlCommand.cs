using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text.RegularExpressions;
using PSNetTools.Scraping;
using PSNetTools.Resilience;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Scraping;

[Cmdlet(VerbsLifecycle.Invoke, "Crawl")]
[OutputType(typeof(CrawlPage))]
public sealed class InvokeCrawlCommand : TlsClientCommand
{
    private const int ProgressId = 7401;
    private readonly List<Uri> _starts = [];

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Url")]
    [ValidateNotNullOrEmpty]
    public string[] Uri { get; set; } = [];

    [Parameter]
    [ValidateRange(0, 100)]
    public int Depth { get; set; } = 2;

    [Parameter]
    [ValidateRange(1, 10_000_000)]
    public int MaxPages { get; set; } = 1000;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] AllowedDomain { get; set; } = [];

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] IncludePattern { get; set; } = [];

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] ExcludePattern { get; set; } = [];

    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = 8;

    [Parameter]
    [ValidateRange(1, 256)]
    public int PerHostLimit { get; set; }

    [Parameter]
    [ValidateRange(0.0, 3600)]
    public double DelaySec { get; set; }

    /// <summary>A switch that is off by default, so crawling politely needs no ":$false" to turn off (it was -RespectRobotsTxt, on by default).</summary>
    [Parameter]
    public SwitchParameter IgnoreRobotsTxt { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] Selector { get; set; } = [];

    [Parameter]
    [ValidateRange(0.01, 3600)]
    public double TimeoutSec { get; set; } = 30;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? UserAgent { get; set; }

    [Parameter]
    [ValidateRange(1024, long.MaxValue)]
    public long MaximumContentBytes { get; set; } = 10 * 1024 * 1024;

    [Parameter]
    [ValidateRange(1, 10_000_000)]
    public int MaximumLinksPerPage { get; set; } = CrawlOptions.DefaultMaximumLinksPerPage;

    [Parameter]
    [ValidateRange(0.01, 3600)]
    public double ParseTimeoutSec { get; set; } = HtmlParseLimits.DefaultMaximumParseTime.TotalSeconds;

    [Parameter]
    public IDictionary? Headers { get; set; }

    [Parameter]
    [ValidateRange(0, 100)]
    public int RetryCount { get; set; }

    protected override void BeginProcessing()
    {
        foreach (var pattern in IncludePattern.Concat(ExcludePattern))
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"'{pattern}' is not a valid regular expression: {ex.Message}", ex), "InvalidPattern", ErrorCategory.InvalidArgument, pattern));
            }
        }
    }

    protected override void ProcessRecord()
    {
        foreach (var text in Uri)
        {
            if (System.Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                _starts.Add(uri);
                continue;
            }
            WriteError(new ErrorRecord(new ArgumentException($"'{text}' is not an http or https URI to start a crawl from."), "InvalidUri", ErrorCategory.InvalidArgument, text));
        }
    }

    protected override void EndProcessing()
    {
        if (_starts.Count == 0) return;
        var options = new CrawlOptions
        {
            StartUris = _starts,
            Depth = Depth,
            MaxPages = MaxPages,
            AllowedDomains = AllowedDomain,
            IncludePatterns = IncludePattern,
            ExcludePatterns = ExcludePattern,
            ThrottleLimit = ThrottleLimit,
            PerHostLimit = PerHostLimit > 0 ? PerHostLimit : ThrottleLimit,
            Delay = TimeSpan.FromSeconds(DelaySec),
            RespectRobotsTxt = !IgnoreRobotsTxt,
            Selectors = Selector,
            MaximumLinksPerPage = MaximumLinksPerPage,
            ParseLimits = new HtmlParseLimits { MaximumParseTime = TimeSpan.FromSeconds(ParseTimeoutSec) },
            Fetch = new FetchOptions
            {
                FollowRedirects = false,
                Timeout = TimeSpan.FromSeconds(TimeoutSec),
                UserAgent = UserAgent ?? new FetchOptions().UserAgent,
                MaximumContentBytes = MaximumContentBytes,
                Tls = Trust(),
                Headers = PowerShellValues.TextMap(Headers),
                Retry = new RetryPolicy { MaxRetries = RetryCount },
            },
        };
        var counters = new CrawlCounters();
        RunAsync(async (sink, ct) =>
        {
            using var progressStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var progress = ReportProgressAsync(sink, counters, progressStop.Token);
            try
            {
                await foreach (var page in Crawler.CrawlAsync(options with { Log = sink.WriteVerbose }, counters, ct))
                {
                    if (page.Truncated) sink.WriteWarning(WebClientAdvice.Truncated(page.Uri, MaximumContentBytes, "its links were taken from that part."));
                    sink.WriteObject(page);
                }
            }
            finally
            {
                await progressStop.CancelAsync();
                await progress;
                sink.WriteProgress(ProgressThrottle.Completed(ProgressId, "Invoke-Crawl"));
            }
            if (counters.PagesOverLinkLimit > 0)
            {
                sink.WriteWarning(string.Create(CultureInfo.InvariantCulture,
                    $"{counters.PagesOverLinkLimit:N0} pages had more than {MaximumLinksPerPage:N0} links; {counters.LinksOverPageLimit:N0} links beyond that were not followed. Raise -MaximumLinksPerPage to follow them."));
            }
        }, string.Join(",", _starts));
    }

    private async Task ReportProgressAsync(PipelineSink sink, CrawlCounters counters, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            // The first record at once, so even a short crawl shows what it is doing.
            do
            {
                var done = counters.PagesDone;
                var rate = done / Math.Max(0.001, (DateTime.UtcNow - started).TotalSeconds);
                sink.WriteProgress(new ProgressRecord(ProgressId, "Invoke-Crawl", string.Create(CultureInfo.InvariantCulture,
                    $"{done:N0} pages done, {Math.Max(0, counters.Queued):N0} queued, {rate:N1} pages/s"))
                {
                    PercentComplete = (int)Math.Min(100, done * 100 / Math.Max(1, MaxPages)),
                });
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }
    }
}
