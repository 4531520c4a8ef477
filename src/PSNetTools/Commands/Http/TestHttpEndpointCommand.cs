using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text.RegularExpressions;
using PSNetTools.Http;
using PSNetTools.Net;
using PSNetTools.Commands.Scraping;
using PSNetTools.Resilience;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Http;

[Cmdlet(VerbsDiagnostic.Test, "HttpEndpoint")]
[OutputType(typeof(HttpCheckResult), typeof(HttpCheckSummary), typeof(bool))]
public sealed class TestHttpEndpointCommand : TlsClientCommand
{
    // A URI to check, or the error of an input that is not one: it is written in its place among the results.
    private readonly List<(Uri? Uri, ErrorRecord? Error)> _inputs = [];
    private bool _invalidInput;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Url")]
    [ValidateNotNullOrEmpty]
    public string[] Uri { get; set; } = [];

    [Parameter]
    [ValidateSet("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")]
    public string Method { get; set; } = "GET";

    [Parameter]
    public IDictionary? Headers { get; set; }

    [Parameter]
    public string? Body { get; set; }

    [Parameter]
    [ValidateRange(100, 599)]
    public int[] ExpectStatus { get; set; } = [];

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ExpectContent { get; set; }

    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int Count { get; set; } = 1;

    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThrottleLimit { get; set; } = 32;

    [Parameter]
    [ValidateRange(0.01, 3600)]
    public double TimeoutSec { get; set; } = 10;

    [Parameter]
    [ValidateRange(0, 100)]
    public int MaximumRedirection { get; set; } = 5;

    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long MaximumContentBytes { get; set; } = HttpCheckOptions.DefaultMaximumContentBytes;

    [Parameter]
    [ValidateRange(0, 100)]
    public int RetryCount { get; set; }

    [Parameter]
    [ValidateRange(0.0, 3600)]
    public double RetryDelaySec { get; set; } = 1;

    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void BeginProcessing()
    {
        if (ExpectContent is null) return;
        try
        {
            _ = new Regex(ExpectContent, RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-ExpectContent is not a valid regular expression: {ex.Message}", ex),
                "InvalidExpectContent", ErrorCategory.InvalidArgument, ExpectContent));
        }
    }

    protected override void ProcessRecord()
    {
        foreach (var text in Uri)
        {
            if (!System.Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri))
            {
                _invalidInput = true;
                _inputs.Add((null, new ErrorRecord(new ArgumentException($"'{text}' is not an absolute URI such as https://example.org/health."), "InvalidUri", ErrorCategory.InvalidArgument, text)));
                continue;
            }
            if (uri.Scheme != System.Uri.UriSchemeHttp && uri.Scheme != System.Uri.UriSchemeHttps)
            {
                _invalidInput = true;
                _inputs.Add((null, new ErrorRecord(new ArgumentException($"'{text}' uses the scheme '{uri.Scheme}'; Test-HttpEndpoint speaks http and https."), "UnsupportedScheme", ErrorCategory.InvalidArgument, text)));
                continue;
            }
            _inputs.Add((uri, null));
        }
    }

    protected override void EndProcessing()
    {
        var options = new HttpCheckOptions
        {
            Method = Method,
            Headers = PowerShellValues.TextMap(Headers),
            Body = Body,
            ExpectStatus = ExpectStatus,
            ExpectContent = ExpectContent,
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
            MaximumRedirection = MaximumRedirection,
            MaximumContentBytes = MaximumContentBytes,
            Tls = Trust(),
            Retry = new RetryPolicy { MaxRetries = RetryCount, BaseDelay = TimeSpan.FromSeconds(RetryDelaySec), MaxDelay = TimeSpan.FromSeconds(Math.Max(RetryDelaySec * 16, 0.001)) },
        };
        var allGood = !_invalidInput;
        RunAsync(async (sink, ct) =>
        {
            // The first request to each URI is narrated in full; with -Count the others only say when they failed.
            var narrated = options with { Log = sink.WriteVerbose };
            // Every request of every URI is one work item; results come in input order, so one URI's -Count results
            // arrive together and its summary is written when the last of them does.
            // An input error is one item in its place.
            var work = _inputs.SelectMany((input, i) => Enumerable.Range(0, input.Uri is null ? 1 : Count).Select(n => (Index: i, Input: input, Request: n)));
            var group = new List<HttpCheckResult>(Math.Min(Count, 1024));
            var warned = -1;
            await foreach (var (index, input, result) in FanOut.ForEachAsync(work, ThrottleLimit,
                async (item, token) => (item.Index, item.Input, item.Input.Uri is { } u ? await HttpChecker.CheckAsync(u, item.Request == 0 ? narrated : options, token).ConfigureAwait(false) : null), ct))
            {
                if (result is null)
                {
                    if (!Quiet) sink.WriteError(input.Error!);
                    continue;
                }
                var uri = input.Uri!;
                if (!result.Success) allGood = false;
                if (!result.Success && group.Count > 0) sink.WriteVerbose($"{uri}: request {group.Count + 1} of {Count}: {result.Error}");
                // Once per URI, not once per request of -Count.
                if (result.Truncated && !Quiet && warned != index)
                {
                    warned = index;
                    sink.WriteWarning(WebClientAdvice.Truncated(result.FinalUri, MaximumContentBytes, "TotalMs and -ExpectContent cover only that part."));
                }
                if (Count == 1)
                {
                    if (!Quiet) sink.WriteObject(result);
                    continue;
                }
                group.Add(result);
                if (group.Count < Count) continue;
                if (!Quiet) sink.WriteObject(HttpCheckSummary.From(uri.OriginalString, group));
                group = [];
            }
            if (Quiet) sink.WriteObject(allGood && _inputs.Count > 0);
        });
    }
}
