using System.Diagnostics;
using System.Net.Sockets;
using PSNetTools.Http;
using PSNetTools.Resilience;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Http;

/// <summary>
/// HttpChecker's retries go through RetryPolicy: Retry-After (seconds or HTTP-date) on 429/503 sets the wait, the
/// policy's total time caps it, and failures are judged by their kind, not their text.
/// </summary>
public sealed class HttpCheckerRetryTests : IDisposable
{
    private readonly LyingHttpServer _server = new();

    public void Dispose() => _server.Dispose();

    // A backoff of about a millisecond: any wait near a second is the server's.
    private static HttpCheckOptions Options(List<string> log, int retries = 2, TimeSpan? total = null) => new()
    {
        Retry = new RetryPolicy { MaxRetries = retries, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2), MaxTotalTime = total ?? TimeSpan.FromMinutes(2) },
        Log = line => { lock (log) log.Add(line); },
    };

    private double[] Gaps(string key)
    {
        var times = _server.Seen().Where(s => s.Path.Contains($"key={key}", StringComparison.Ordinal)).Select(s => s.Time).Order().ToArray();
        return times.Zip(times.Skip(1), (a, b) => b - a).ToArray();
    }

    [Theory]
    [InlineData(503, "1")]
    [InlineData(429, "1")]
    [InlineData(503, "date%2B2")]
    public async Task A_busy_answer_with_Retry_After_is_retried_after_the_wait_the_server_asked_for(int status, string after)
    {
        var key = Guid.NewGuid().ToString("N");
        var log = new List<string>();
        var r = await HttpChecker.CheckAsync(new Uri($"{_server.BaseUri}/busy?key={key}&fail=1&status={status}&after={after}"), Options(log), CancellationToken.None);
        Assert.True(r.Success, r.Error);
        Assert.Equal((200, 2), (r.StatusCode, r.Attempts));
        // An HTTP-date has whole seconds: "2 s from now" is 1 to 2 s away by the time it is read.
        Assert.True(Assert.Single(Gaps(key)) >= 0.9, $"waited {Gaps(key)[0]:0.###} s");
        Assert.Contains(log, l => l.Contains("(the server's Retry-After)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_Retry_After_beyond_the_total_time_is_not_waited_for()
    {
        var key = Guid.NewGuid().ToString("N");
        var log = new List<string>();
        var watch = Stopwatch.StartNew();
        var r = await HttpChecker.CheckAsync(new Uri($"{_server.BaseUri}/busy?key={key}&fail=5&after=3600"), Options(log, total: TimeSpan.FromSeconds(30)), CancellationToken.None);
        Assert.Equal((503, 1), (r.StatusCode, r.Attempts));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Contains(log, l => l.Contains("retry after 3600 s, past the retry time limit of 30 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_Retry_After_the_backoff_decides_and_the_retries_run_out()
    {
        var key = Guid.NewGuid().ToString("N");
        var r = await HttpChecker.CheckAsync(new Uri($"{_server.BaseUri}/busy?key={key}&fail=5"), Options([]), CancellationToken.None);
        Assert.Equal((503, 3), (r.StatusCode, r.Attempts));
        Assert.All(Gaps(key), g => Assert.True(g < 0.9));
    }

    [Fact]
    public async Task Retry_After_on_other_statuses_is_not_a_wait()
    {
        // 500 with Retry-After: the header means "later" only on 429 and 503, so the backoff (a millisecond) decides.
        var key = Guid.NewGuid().ToString("N");
        var r = await HttpChecker.CheckAsync(new Uri($"{_server.BaseUri}/busy?key={key}&fail=1&status=500&after=5"), Options([]), CancellationToken.None);
        Assert.Equal((200, 2), (r.StatusCode, r.Attempts));
        Assert.True(Assert.Single(Gaps(key)) < 2);
    }

    [Fact]
    public async Task A_refused_connection_is_retried_by_its_kind_and_an_unresolvable_name_is_not()
    {
        using var probe = new TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var refused = await HttpChecker.CheckAsync(new Uri($"http://127.0.0.1:{port}/"), Options([]), CancellationToken.None);
        Assert.StartsWith("ConnectionRefused", refused.Error, StringComparison.Ordinal);
        Assert.Equal(3, refused.Attempts);
        var invalid = await HttpChecker.CheckAsync(new Uri("http://no-such-host.invalid/"), Options([]), CancellationToken.None);
        Assert.StartsWith("HostNotResolved", invalid.Error, StringComparison.Ordinal);
        Assert.Equal(1, invalid.Attempts);
    }
}
