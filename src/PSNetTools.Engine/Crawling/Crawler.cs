using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using PSNetTools.Engine.Scraping;

namespace PSNetTools.Engine.Crawling;

/// <summary>
/// Invoke-Crawl: breadth first, one depth level at a time, ThrottleLimit requests in flight (PerHostLimit per host,
/// with an optional delay between requests to a host). Every URL is normalised and fetched at most once, robots.txt
/// is honoured, redirects are followed only inside the allowed domains, and only HTML is parsed. Depth and MaxPages
/// bound crawler traps. Rows stream out as pages arrive.
/// </summary>
public static class Crawler
{
    public static async IAsyncEnumerable<CrawlPage> CrawlAsync(CrawlOptions options, CrawlCounters? counters = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        counters ??= new CrawlCounters();
        var state = new CrawlState(options, counters);
        var rows = Channel.CreateUnbounded<CrawlPage>(new UnboundedChannelOptions { SingleReader = true });
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
        private int _fetched;

        public async Task RunAsync(ChannelWriter<CrawlPage> rows, CancellationToken cancellationToken)
        {
            var level = new List<(Uri Uri, string Referrer)>();
            foreach (var start in options.StartUris)
            {
                if (UrlNormalizer.TryNormalize(start, start.AbsoluteUri, out var n) && _seen.TryAdd(UrlNormalizer.Key(n), 0)) level.Add((n, ""));
            }
            counters.Queue(level.Count);
            for (var depth = 0; level.Count > 0 && Volatile.Read(ref _fetched) < options.MaxPages; depth++)
            {
                var next = new ConcurrentQueue<(Uri, string)>();
                var current = depth;
                await Parallel.ForEachAsync(level, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.ThrottleLimit), CancellationToken = cancellationToken },
                    async (item, ct) =>
                    {
                        counters.Queue(-1);
                        var row = await VisitAsync(item.Uri, item.Referrer, current, next, ct).ConfigureAwait(false);
                        if (row is null) return;
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

        private async Task<CrawlPage?> VisitAsync(Uri uri, string referrer, int depth, ConcurrentQueue<(Uri, string)> next, CancellationToken cancellationToken)
        {
            if (options.RespectRobotsTxt && !(await RobotsAsync(uri, cancellationToken).ConfigureAwait(false)).IsAllowed(uri))
            {
                return new CrawlPage { Uri = uri.AbsoluteUri, Depth = depth, Referrer = referrer, Error = "DisallowedByRobotsTxt: robots.txt of this host asks crawlers not to fetch it (use -RespectRobotsTxt:$false to ignore it)." };
            }
            if (Interlocked.Increment(ref _fetched) > options.MaxPages) return null;
            var gate = _hosts.GetOrAdd(uri.Authority, _ => new HostGate(options.PerHostLimit));
            var watch = Stopwatch.StartNew();
            Outcomes.Outcome fetched;
            await gate.EnterAsync(options.Delay, cancellationToken).ConfigureAwait(false);
            try
            {
                watch.Restart();
                var outcome = await PageFetcher.FetchAsync(uri, options.Fetch, cancellationToken).ConfigureAwait(false);
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
                DurationMs = ms,
            };
            if (source.StatusCode is >= 300 and < 400 && source.Location is { } location)
            {
                // A redirect is followed like a link (one more hop), and only inside the allowed domains.
                Enqueue(uri, location, depth, next, uri.AbsoluteUri);
                return row;
            }
            if (!source.IsHtml || source.StatusCode >= 400) return row;
            if (options.Selectors.Count > 0)
            {
                var (page, items) = await HtmlScraper.AnalyzeAsync(source, options.Selectors, cancellationToken).ConfigureAwait(false);
                if (depth < options.Depth)
                {
                    foreach (var link in page.Links) Enqueue(uri, link.Href, depth, next, uri.AbsoluteUri);
                }
                return row with { Title = page.Title, LinkCount = page.LinkCount, Items = items };
            }
            // Without selectors only the title and the links are needed: the one-pass scanner, not a DOM.
            var (title, links) = LinkScanner.Scan(source);
            if (depth < options.Depth)
            {
                foreach (var link in links) Enqueue(uri, link, depth, next, uri.AbsoluteUri);
            }
            return row with { Title = title, LinkCount = links.Count };
        }

        private void Enqueue(Uri from, string href, int depth, ConcurrentQueue<(Uri, string)> next, string referrer)
        {
            if (depth >= options.Depth || !UrlNormalizer.TryNormalize(from, href, out var uri) || !IsAllowed(uri)) return;
            if (!_seen.TryAdd(UrlNormalizer.Key(uri), 0)) return;
            next.Enqueue((uri, referrer));
            counters.Queue(1);
        }

        private bool IsAllowed(Uri uri)
        {
            var host = uri.Host.ToLowerInvariant();
            if (!_domains.Any(d => host == d || host.EndsWith("." + d, StringComparison.Ordinal))) return false;
            var text = uri.AbsoluteUri;
            if (_include.Length > 0 && !_include.Any(r => r.IsMatch(text))) return false;
            return !_exclude.Any(r => r.IsMatch(text));
        }

        private Task<RobotsTxt> RobotsAsync(Uri uri, CancellationToken cancellationToken) =>
            _robots.GetOrAdd(uri.GetLeftPart(UriPartial.Authority), async root =>
            {
                var fetched = await PageFetcher.FetchAsync(new Uri(root + "/robots.txt"), options.Fetch with { FollowRedirects = true, MaximumContentBytes = 512 * 1024 }, cancellationToken).ConfigureAwait(false);
                // No robots.txt (or an unreachable one) means no rules, as crawlers agree.
                return fetched.Value is { StatusCode: 200 } robots ? RobotsTxt.Parse(Encoding.UTF8.GetString(robots.Content), options.Fetch.UserAgent) : RobotsTxt.AllowAll;
            });
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
