using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text;
using PSNetTools.Net;
using PSNetTools.Resilience;
using PSNetTools.Scraping;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Scraping;

[Cmdlet(VerbsLifecycle.Invoke, "Scrape", DefaultParameterSetName = UriSet)]
[OutputType(typeof(HtmlPage), typeof(ScrapedElement), typeof(string), typeof(PSObject))]
public sealed class InvokeScrapeCommand : TlsClientCommand
{
    private const string UriSet = "Uri";
    private const string HtmlSet = "Html";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = UriSet)]
    [Alias("Url")]
    [ValidateNotNullOrEmpty]
    public string[] Uri { get; set; } = [];

    [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = HtmlSet)]
    [Alias("Content")]
    [AllowEmptyString]
    public string Html { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Files from Get-ChildItem bind here (PSPath, FullName), so names with [ ] are read as they are.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string[]? Selector { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Attribute { get; set; }

    [Parameter]
    public SwitchParameter AsTable { get; set; }

    [Parameter(ParameterSetName = HtmlSet)]
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    public System.Uri? BaseUri { get; set; }

    [Parameter(ParameterSetName = UriSet)]
    public IDictionary? Headers { get; set; }

    [Parameter(ParameterSetName = UriSet)]
    [ValidateNotNullOrEmpty]
    public string? UserAgent { get; set; }

    [Parameter(ParameterSetName = UriSet)]
    [ValidateRange(0.01, 3600)]
    public double TimeoutSec { get; set; } = 30;

    [Parameter(ParameterSetName = UriSet)]
    [ValidateRange(0, 100)]
    public int RetryCount { get; set; }

    [Parameter(ParameterSetName = UriSet)]
    [ValidateRange(1, long.MaxValue)]
    public long MaximumContentBytes { get; set; } = FetchOptions.DefaultMaximumContentBytes;

    [Parameter(ParameterSetName = UriSet)]
    [ValidateRange(0, 100)]
    public int MaximumRedirection { get; set; } = FetchOptions.DefaultMaximumRedirections;

    [Parameter]
    [ValidateRange(0.01, 3600)]
    public double ParseTimeoutSec { get; set; } = HtmlParseLimits.DefaultMaximumParseTime.TotalSeconds;

    private HtmlParseLimits Limits => new() { MaximumParseTime = TimeSpan.FromSeconds(ParseTimeoutSec) };

    protected override void BeginProcessing()
    {
        if (Attribute is not null && Selector is null)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Attribute needs -Selector: it names the attribute to read from each matched element."),
                "AttributeWithoutSelector", ErrorCategory.InvalidArgument, Attribute));
        }
    }

    protected override void ProcessRecord()
    {
        var sources = ParameterSetName switch
        {
            HtmlSet => [Task.FromResult(Outcome.Success(new HtmlSource(BaseUri?.AbsoluteUri ?? "", Encoding.UTF8.GetBytes(Html), "text/html; charset=utf-8")))],
            PathSet => ReadFiles(Path, literal: false),
            LiteralPathSet => ReadFiles(LiteralPath, literal: true),
            _ => Uri.Select(Fetch).ToList(),
        };
        RunAsync(async (sink, ct) =>
        {
            foreach (var pending in sources)
            {
                var outcome = await pending;
                if (outcome.Failure is { } failure)
                {
                    sink.WriteFailure(failure);
                    continue;
                }
                var source = outcome.Value!;
                if (source.Truncated) sink.WriteWarning(WebClientAdvice.Truncated(source.Uri, MaximumContentBytes, "the page was parsed from that part."));
                try
                {
                    await EmitAsync(source, sink, ct);
                }
                catch (HtmlParseLimitException ex)
                {
                    // That page's error: the next one is still parsed.
                    sink.WriteError(WebClientAdvice.Record(ex, source.Uri));
                }
                catch (TableTooLargeException ex)
                {
                    sink.WriteError(new ErrorRecord(ex, TableTooLargeException.ErrorId, ErrorCategory.LimitsExceeded, source.Uri));
                }
                catch (ArgumentException ex)
                {
                    sink.WriteError(new ErrorRecord(ex, "InvalidSelector", ErrorCategory.InvalidArgument, Selector));
                    return;
                }
            }
        });
    }

    private async Task EmitAsync(HtmlSource source, PipelineSink sink, CancellationToken ct)
    {
        if (AsTable)
        {
            foreach (var table in await HtmlScraper.TablesAsync(source, Selector is { Length: > 0 } s ? string.Join(", ", s) : "table", Limits, ct))
            {
                foreach (var row in table.Rows)
                {
                    var o = new PSObject();
                    for (var c = 0; c < table.Columns.Count; c++) o.Properties.Add(new PSNoteProperty(table.Columns[c], row[c]));
                    sink.WriteObject(o);
                }
            }
            return;
        }
        if (Selector is null)
        {
            sink.WriteObject(await HtmlScraper.DescribeAsync(source, Limits, ct));
            return;
        }
        foreach (var element in await HtmlScraper.SelectAsync(source, Selector, Limits, ct))
        {
            if (Attribute is null)
            {
                sink.WriteObject(element);
                continue;
            }
            // href and src come back resolved, like the Href and Src properties.
            var value = Attribute.Equals("href", StringComparison.OrdinalIgnoreCase) && element.Href.Length > 0 ? element.Href
                : Attribute.Equals("src", StringComparison.OrdinalIgnoreCase) && element.Src.Length > 0 ? element.Src
                : element.Attributes.TryGetValue(Attribute, out var v) ? v : null;
            if (value is not null) sink.WriteObject(value);
        }
    }

    private Task<Outcome<HtmlSource>> Fetch(string text)
    {
        if (!System.Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri))
        {
            return Task.FromResult(Outcome.Failed<HtmlSource>(new TargetFailure(text, "InvalidUri", FailureKind.InvalidTarget,
                $"'{text}' is not an absolute URI such as https://example.org/; to parse HTML text, pass it with -Html or through the pipeline.")));
        }
        var options = new FetchOptions
        {
            Headers = PowerShellValues.TextMap(Headers),
            UserAgent = UserAgent ?? new FetchOptions().UserAgent,
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
            Tls = Trust(),
            Retry = new RetryPolicy { MaxRetries = RetryCount, BaseDelay = TimeSpan.FromSeconds(1) },
            MaximumContentBytes = MaximumContentBytes,
            MaximumRedirections = MaximumRedirection,
        };
        // Started at once: the pages of one pipeline record are fetched side by side and written in order.
        return PageFetcher.FetchAsync(uri, options, CancelToken);
    }

    // Each -Path value in its place: its matching files, or one error when it matches none.
    private List<Task<Outcome<HtmlSource>>> ReadFiles(string[] paths, bool literal) =>
        ProviderPaths.Resolve(this, paths, literal)
            .SelectMany(r => r.Problem is { } problem
                ? [Task.FromResult(Outcome.Failed<HtmlSource>(new TargetFailure(r.Input, "FileNotFound", FailureKind.InvalidTarget, problem)))]
                : r.Paths.Select(ReadFile))
            .ToList();

    private Task<Outcome<HtmlSource>> ReadFile(string full)
    {
        if (!File.Exists(full))
        {
            return Task.FromResult(Outcome.Failed<HtmlSource>(new TargetFailure(full, "FileNotFound", FailureKind.InvalidTarget, $"'{full}' does not exist.")));
        }
        var address = BaseUri?.AbsoluteUri ?? new System.Uri(full).AbsoluteUri;
        return Task.FromResult(Outcome.Success(new HtmlSource(address, File.ReadAllBytes(full), null)));
    }
}
