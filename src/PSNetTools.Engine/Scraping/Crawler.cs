using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using PSNetTools.Net;
using PSNetTools.Scraping;

namespace PSNetTools.Scraping;

/// <summary>
/// Invoke-Crawl: breadth first, one depth level at a time, ThrottleLimit requests in flight (PerHostLimit per host,
/// with an optional delay between requests to a host). Every URL is normalised and fetched at most once, robots.txt
/// is honoured, redirects are followed only inside the allowed domains, and only HTML is parsed. Depth and MaxPages
/// bound crawler traps; MaxPages also bounds the frontier (no more URLs are ever queued than may be visited) and
/// MaximumLinksPerPage what one page may add, so a page of 200,000 links costs a count, not gigabytes. The caller's
/// headers go only to the start pages' origins. Rows stream out as pages arrive, through a bounded queue: a slow consumer slows the crawl.
/// </summary>
public static class Crawler
{
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>A page that cannot be fetched is a row with its Error set, not an exception.</remarks>
    public static async IAsyncEnumerable<CrawlPage> CrawlAsync(CrawlOptions options, CrawlCounters? counters = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        counters ??= new CrawlCounters();
        var state = new CrawlState(options, counters);
        // Bounded: a consumer that reads slowly holds the fetchers in their write, so the crawl runs at most a
        // channel's worth (ThrottleLimit rows) plus the pages in flight ahead of it, not the whole crawl (a row may
        // carry a page's scraped elements).
        var rows = Channel.CreateBounded<CrawlPage>(new BoundedChannelOptions(Math.Max(1, options.ThrottleLimit)) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = Task.Run(async () =>
        {
            try
            {
                await state.RunAsync(rows.Writer, stop.Token).ConfigureAwait(false);
                rows.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                rows.Writer.TryComplete(ex);
            }
        }, CancellationToken.None);
        try
        {
            await foreach (var row in rows.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false)) yield return row;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await running.ConfigureAwait(false);
        }
    }

    private sealed class CrawlState(CrawlOptions options, CrawlCounters counters)
    {
        private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, Task<RobotsTxt>> _robots = new(StringComparer.OrdinalIgnoreCase);
        private readonly ConcurrentDictionary<string, HostGate> _hosts = new(StringComparer.OrdinalIgnoreCase);
        private readonly string[] _domains = [.. (options.AllowedDomains.Count > 0 ? options.AllowedDomains : options.StartUris.Select(u => u.Host)).Select(d => d.Trim().TrimStart('.').ToLowerInvariant())];
        private readonly Regex[] _include = [.. options.IncludePatterns.Select(p => new Regex(p, RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1)))];
        private readonly Regex[] _exclude = [.. options.ExcludePatterns.Select(p => new Regex(p, RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1)))];
        private readonly HashSet<string> _trustedOrigins = new(options.StartUris.Select(u => u.GetLeftPart(UriPartial.Authority)), StringComparer.OrdinalIgnoreCase);
        private readonly FetchOptions _untrusted = options.Fetch with { Headers = SafeOnly(options.Fetch.Headers) };
        private long _admitted;

        public async Task RunAsync(ChannelWriter<CrawlPage> rows, CancellationToken cancellationToken)
        {
            var level = new List<(Uri Uri, string Referrer)>();
            foreach (var start in options.StartUris)
            {
                if (UrlNormalizer.TryNormalize(start, start.AbsoluteUri, out var n) && TryAdmit(n) == Admission.Queued) level.Add((n, ""));
            }
            counters.Queue(level.Count);
            for (var depth = 0; level.Count > 0; depth++)
            {
                var next = new ConcurrentQueue<(Uri, string)>();
                var current = depth;
                await Parallel.ForEachAsync(level, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.ThrottleLimit), CancellationToken = cancellationToken },
                    async (item, ct) =>
                    {
                        counters.Queue(-1);
                        var row = await VisitAsync(item.Uri, item.Referrer, current, next, ct).ConfigureAwait(false);
                        counters.Done();
                        await rows.WriteAsync(row, ct).ConfigureAwait(false);
                    }).ConfigureAwait(false);
                level = [.. next];
                if (depth + 1 > options.Depth)
                {
                    counters.Queue(-level.Count);
                    break;
                }
            }
        }

        private async Task<CrawlPage> VisitAsync(Uri uri, string referrer, int depth, ConcurrentQueue<(Uri, string)> next, CancellationToken cancellationToken)
        {
            if (options.RespectRobotsTxt && !(await RobotsAsync(uri, cancellationToken).ConfigureAwait(false)).IsAllowed(uri))
            {
                return new CrawlPage { Uri = uri.AbsoluteUri, Depth = depth, Referrer = referrer, Error = "DisallowedByRobotsTxt: robots.txt of this host asks crawlers not to fetch it." };
            }
            var gate = _hosts.GetOrAdd(uri.Authority, _ => new HostGate(options.PerHostLimit));
            var watch = Stopwatch.StartNew();
            Outcomes.Outcome fetched;
            await gate.EnterAsync(options.Delay, cancellationToken).ConfigureAwait(false);
            try
            {
                watch.Restart();
                var outcome = await PageFetcher.FetchAsync(uri, FetchFor(uri), cancellationToken).ConfigureAwait(false);
                fetched = new Outcomes.Outcome(outcome.Value, outcome.Failure is { } failure ? $"{failure.ErrorId}: {failure.Message}" : null);
            }
            finally
            {
                gate.Exit();
            }
            var ms = Net.RoundTripStats.Round(watch.Elapsed.TotalMilliseconds);
            if (fetched.Source is not { } source)
            {
                return new CrawlPage { Uri = uri.AbsoluteUri, Depth = depth, Referrer = referrer, DurationMs = ms, Error = fetched.Error ?? "" };
            }
            var row = new CrawlPage
            {
                Uri = uri.AbsoluteUri,
                Depth = depth,
                Referrer = referrer,
                StatusCode = source.StatusCode,
                ContentType = source.ContentType ?? "",
                Bytes = source.Content.LongLength,
                Truncated = source.Truncated,
                DurationMs = ms,
            };
            if (source.StatusCode is >= 300 and < 400 && source.Location is { } location)
            {
                if (Uri.TryCreate(location, UriKind.Absolute, out var target) && HttpRedirects.Refuse(new RedirectHop(uri, HttpMethod.Get), target, AnyHop) is { } refused)
                {
                    return row with { Error = $"{refused.ErrorId}: {refused.Message}" };
                }
                // A redirect is followed like a link (one more hop), and only inside the allowed domains.
                EnqueueAll(uri, [location], depth, next);
                return row;
            }
            if (!source.IsHtml || source.StatusCode >= 400) return row;
            if (options.Selectors.Count > 0)
            {
                HtmlPage page;
                IReadOnlyList<ScrapedElement> items;
                try
                {
                    (page, items) = await HtmlScraper.AnalyzeAsync(source, options.Selectors, options.ParseLimits, cancellationToken).ConfigureAwait(false);
                }
                catch (HtmlParseLimitException ex)
                {
                    return row with { Error = $"{HtmlParseLimitException.ErrorId}: {ex.Message}" };
                }
                EnqueueAll(uri, [.. page.Links.Take(options.MaximumLinksPerPage).Select(l => l.Href)], depth, next);
                LinkLimit(uri, page.LinkCount, depth);
                return row with { Title = page.Title, LinkCount = page.LinkCount, Items = items };
            }
            // Without selectors only the title and the links are needed: the one-pass scanner, not a DOM.
            var (title, links, total) = LinkScanner.Scan(source, options.MaximumLinksPerPage);
            EnqueueAll(uri, links, depth, next);
            LinkLimit(uri, total, depth);
            return row with { Title = title, LinkCount = total };
        }

        private static readonly RedirectPolicy AnyHop = new() { MaximumRedirections = int.MaxValue };

        private static Dictionary<string, string> SafeOnly(IReadOnlyDictionary<string, string> headers) =>
            HttpRedirects.HeadersFor(headers, trusted: false).ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);

        // The caller's headers (Authorization, Cookie, keys) go only to the origins the caller started at.
        private FetchOptions FetchFor(Uri uri) => _trustedOrigins.Contains(uri.GetLeftPart(UriPartial.Authority)) ? options.Fetch : _untrusted;

        private void LinkLimit(Uri page, int total, int depth)
        {
            // At the last depth no link is followed anyway, so none was dropped.
            if (total <= options.MaximumLinksPerPage || depth >= options.Depth) return;
            counters.OverLinkLimit(total - options.MaximumLinksPerPage);
            Log($"{page.AbsoluteUri}: {total:N0} links; only the first {options.MaximumLinksPerPage:N0} are taken (the per-page link limit).");
        }

        private void EnqueueAll(Uri from, IReadOnlyList<string> hrefs, int depth, ConcurrentQueue<(Uri, string)> next)
        {
            if (depth >= options.Depth) return;
            var notQueued = 0;
            foreach (var href in hrefs)
            {
                if (!UrlNormalizer.TryNormalize(from, href, out var uri) || !IsAllowed(uri)) continue;
                switch (TryAdmit(uri))
                {
                    case Admission.Queued:
                        next.Enqueue((uri, from.AbsoluteUri));
                        counters.Queue(1);
                        break;
                    case Admission.Full:
                        notQueued++;
                        break;
                }
            }
            if (notQueued == 0) return;
            counters.NotQueued(notQueued);
            Log($"{from.AbsoluteUri}: {notQueued:N0} new links not queued; the crawl already holds its MaxPages ({options.MaxPages:N0}) URLs.");
        }

        // Only URLs that will be visited are remembered: once MaxPages are queued, a new link is counted and dropped,
        // so neither the frontier nor the seen set grows past MaxPages.
        private Admission TryAdmit(Uri uri)
        {
            var key = UrlNormalizer.Key(uri);
            if (_seen.ContainsKey(key)) return Admission.Seen;
            if (Interlocked.Increment(ref _admitted) > options.MaxPages)
            {
                Interlocked.Decrement(ref _admitted);
                return Admission.Full;
            }
            if (_seen.TryAdd(key, 0)) return Admission.Queued;
            Interlocked.Decrement(ref _admitted);
            return Admission.Seen;
        }

        private void Log(string line)
        {
            try
            {
                options.Log?.Invoke(line);
            }
            catch (Exception)
            {
                // A logger that fails must not end the crawl.
            }
        }

        private bool IsAllowedHost(string host)
        {
            host = host.ToLowerInvariant();
            return _domains.Any(d => host == d || host.EndsWith("." + d, StringComparison.Ordinal));
        }

        private bool IsAllowed(Uri uri)
        {
            if (!IsAllowedHost(uri.Host)) return false;
            var text = uri.AbsoluteUri;
            if (_include.Length > 0 && !_include.Any(r => r.IsMatch(text))) return false;
            return !_exclude.Any(r => r.IsMatch(text));
        }

        private Task<RobotsTxt> RobotsAsync(Uri uri, CancellationToken cancellationToken) =>
            _robots.GetOrAdd(uri.GetLeftPart(UriPartial.Authority), async root =>
            {
                // Redirects of robots.txt are followed (five hops, RFC 9309) only inside the allowed domains: a host
                // must not be able to send the crawler, with the caller's headers, anywhere else.
                var robotsUri = new Uri(root + "/robots.txt");
                var fetch = FetchFor(robotsUri) with
                {
                    FollowRedirects = true,
                    MaximumRedirections = 5,
                    MaximumContentBytes = 512 * 1024,
                    RedirectAllowed = target => IsAllowedHost(target.Host),
                    RedirectAllowedDescription = "the allowed domains",
                };
                var fetched = await PageFetcher.FetchAsync(robotsUri, fetch, cancellationToken).ConfigureAwait(false);
                if (fetched.Failure is { ErrorId: HttpRedirects.RedirectNotAllowed or HttpRedirects.RedirectNotHttp or HttpRedirects.TooManyRedirects } refused)
                {
                    Log($"robots.txt not fetched: {refused.Message} The host is crawled as if it had none.");
                }
                // No robots.txt (or an unreachable one) means no rules, as crawlers agree.
                return fetched.Value is { StatusCode: 200 } robots ? RobotsTxt.Parse(Encoding.UTF8.GetString(robots.Content), options.Fetch.UserAgent) : RobotsTxt.AllowAll;
            });
    }

    private enum Admission
    {
        Queued,
        Seen,
        Full,
    }

    private static class Outcomes
    {
        public readonly record struct Outcome(HtmlSource? Source, string? Error);
    }

    /// <summary>Per-host concurrency and politeness delay.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim whose wait handle is never used holds nothing to dispose.")]
    private sealed class HostGate(int limit)
    {
        private readonly SemaphoreSlim _slots = new(Math.Max(1, limit));
        private readonly object _gate = new();
        private DateTime _next = DateTime.MinValue;

        public async Task EnterAsync(TimeSpan delay, CancellationToken cancellationToken)
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (delay <= TimeSpan.Zero) return;
            TimeSpan wait;
            lock (_gate)
            {
                var now = DateTime.UtcNow;
                var slot = _next > now ? _next : now;
                _next = slot + delay;
                wait = slot - now;
            }
            try
            {
                if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                _slots.Release();
                throw;
            }
        }

        public void Exit() => _slots.Release();
    }
}
