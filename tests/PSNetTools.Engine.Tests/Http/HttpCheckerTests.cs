using PSNetTools.Http;
using PSNetTools.Net;
using PSNetTools.Resilience;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Http;

public sealed class HttpCheckerTests : IClassFixture<HttpCheckerTests.Peers>
{
    private readonly WebNginx _nginx;

    public HttpCheckerTests(Peers peers) => _nginx = peers.Nginx;

    public sealed class Peers : IDisposable
    {
        public WebNginx Nginx { get; } = new();

        public void Dispose() => Nginx.Dispose();
    }

    private static Task<HttpCheckResult> Check(string uri, HttpCheckOptions? options = null) =>
        HttpChecker.CheckAsync(new Uri(uri), options ?? new HttpCheckOptions { Timeout = TimeSpan.FromSeconds(5) }, default);

    [Fact]
    public async Task A_plain_page_with_its_phases()
    {
        var r = await Check($"{_nginx.BaseUri}/index.html");
        Assert.True(r.Success, r.Error);
        Assert.Equal((200, "1.1", 0), (r.StatusCode, r.HttpVersion, r.RedirectCount));
        Assert.Equal(new FileInfo(Path.Combine(WebNginx.DocRoot, "index.html")).Length, r.ContentLength);
        Assert.StartsWith("nginx", r.Server, StringComparison.Ordinal);
        Assert.True(r.ConnectMs > 0 && r.FirstByteMs >= r.ConnectMs && r.TotalMs >= r.FirstByteMs);
        Assert.Equal(0, r.TlsMs);
        var named = await Check($"http://localhost:{_nginx.Port}/index.html");
        Assert.True(named.DnsMs > 0);
    }

    [Fact]
    public async Task Tls_phase_protocol_and_certificate()
    {
        var strict = await Check($"{_nginx.TlsBaseUri}/index.html");
        Assert.False(strict.Success);
        // Issue 11: the shared id of an untrusted certificate; advice about parameters is not the engine's.
        Assert.StartsWith("CertificateUntrusted", strict.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("-SkipCertificateCheck", strict.Error, StringComparison.Ordinal);
        var r = await Check($"{_nginx.TlsBaseUri}/index.html", new HttpCheckOptions { Tls = new TlsTrust { SkipCertificateCheck = true } });
        Assert.True(r.Success, r.Error);
        Assert.True(r.TlsMs > 0);
        Assert.StartsWith("Tls1", r.TlsProtocol, StringComparison.Ordinal);
        Assert.True(r.CertificateNotAfter > DateTime.Now.AddDays(300));
    }

    [Fact]
    public async Task Redirects_are_counted_and_loops_stopped()
    {
        var chain = await Check($"{_nginx.BaseUri}/redirect/chain");
        Assert.Equal((200, 2, true), (chain.StatusCode, chain.RedirectCount, chain.Success));
        Assert.EndsWith("/index.html", chain.FinalUri, StringComparison.Ordinal);
        var loop = await Check($"{_nginx.BaseUri}/redirect/loop", new HttpCheckOptions { MaximumRedirection = 3 });
        Assert.StartsWith("TooManyRedirects", loop.Error, StringComparison.Ordinal);
        Assert.Equal(3, loop.RedirectCount);
        var none = await Check($"{_nginx.BaseUri}/redirect", new HttpCheckOptions { MaximumRedirection = 0, ExpectStatus = [302] });
        Assert.False(none.Success); // one redirect is already one too many
    }

    [Fact]
    public async Task Expectations_on_status_and_content()
    {
        Assert.Equal("UnexpectedStatus: 404", (await Check($"{_nginx.BaseUri}/status/404")).Error);
        Assert.True((await Check($"{_nginx.BaseUri}/status/404", new HttpCheckOptions { ExpectStatus = [404] })).Success);
        Assert.True((await Check($"{_nginx.BaseUri}/index.html", new HttpCheckOptions { ExpectContent = "Python [0-9.]+ documentation" })).Success);
        var mismatch = await Check($"{_nginx.BaseUri}/index.html", new HttpCheckOptions { ExpectContent = "no such text" });
        Assert.StartsWith("ContentMismatch", mismatch.Error, StringComparison.Ordinal);
        var gbk = await Check($"{_nginx.BaseUri}/site/gbk.html", new HttpCheckOptions { ExpectContent = "GBK" });
        Assert.True(gbk.Success);
    }

    [Fact]
    public async Task Failures_are_rows_with_reasons_within_the_timeout()
    {
        var refused = await Check($"http://127.0.0.1:{Loopback.ClosedTcpPort()}/");
        Assert.StartsWith("ConnectionRefused", refused.Error, StringComparison.Ordinal);
        var dns = await Check("http://no-such-host.invalid/");
        Assert.StartsWith("HostNotResolved", dns.Error, StringComparison.Ordinal);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var slow = await Check($"{_nginx.BaseUri}/slow", new HttpCheckOptions { Timeout = TimeSpan.FromSeconds(1) });
        Assert.StartsWith("Timeout", slow.Error, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4));
        var big = await Check($"{_nginx.BaseUri}/big", new HttpCheckOptions { MaximumContentBytes = 1_000_000 });
        Assert.Equal(100L * 1024 * 1024, big.ContentLength); // the header, though only 1 MB was read
    }

    [Fact]
    public async Task Transient_answers_are_retried_and_counted()
    {
        var options = new HttpCheckOptions { Retry = new RetryPolicy { MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(10) } };
        var r = await Check($"{_nginx.BaseUri}/status/503", options);
        Assert.Equal((503, 3), (r.StatusCode, r.Attempts));
        var notFound = await Check($"{_nginx.BaseUri}/status/404", options);
        Assert.Equal(1, notFound.Attempts);
    }

    [Fact]
    public void Percentiles_use_nearest_rank()
    {
        var results = Enumerable.Range(1, 100).Select(i => new HttpCheckResult { Uri = "u", TotalMs = i, StatusCode = i == 100 ? 500 : 200, Success = i != 100 }).ToList();
        var s = HttpCheckSummary.From("u", results);
        Assert.Equal((50.0, 95.0, 99.0, 1.0, 100.0), (s.P50Ms, s.P95Ms, s.P99Ms, s.MinMs, s.MaxMs));
        Assert.Equal((99, 1, "200=99; 500=1"), (s.SuccessCount, s.ErrorCount, s.StatusCodes));
    }
}
