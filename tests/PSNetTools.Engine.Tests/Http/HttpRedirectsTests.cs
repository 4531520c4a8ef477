using PSNetTools.Http;
using PSNetTools.Net;
using PSNetTools.Scraping;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Http;

/// <summary>HttpRedirects, the one redirect follower of the HTTP clients, against a lying server (issue 10: 14, 22).</summary>
public sealed class HttpRedirectsTests : IClassFixture<HttpRedirectsTests.Peers>
{
    private static readonly Dictionary<string, string> Secrets = new() { ["Authorization"] = "Bearer s3cret", ["Cookie"] = "a=s3cret", ["X-Api-Key"] = "s3cret", ["Accept-Language"] = "fr" };
    private readonly LyingHttpServer _server;

    public HttpRedirectsTests(Peers peers) => _server = peers.Server;

    public sealed class Peers : IDisposable
    {
        public LyingHttpServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    [Fact]
    public void An_origin_is_scheme_host_and_port()
    {
        Assert.True(HttpRedirects.IsSameOrigin(new Uri("http://Example.org/a"), new Uri("http://example.org:80/b?c")));
        Assert.False(HttpRedirects.IsSameOrigin(new Uri("https://example.org/"), new Uri("http://example.org/"))); // a downgrade
        Assert.False(HttpRedirects.IsSameOrigin(new Uri("http://127.0.0.1:8080/"), new Uri("http://127.0.0.1:8081/")));
        Assert.False(HttpRedirects.IsSameOrigin(new Uri("http://127.0.0.1/"), new Uri("http://127.0.0.2/")));
        Assert.Equal(["Accept-Language"], HttpRedirects.HeadersFor(Secrets, trusted: false).Select(h => h.Key));
        Assert.Equal(4, HttpRedirects.HeadersFor(Secrets, trusted: true).Count());
    }

    [Fact]
    public async Task Secrets_that_left_their_origin_do_not_come_back_with_a_redirect_home()
    {
        // 127.0.0.1 -> 127.0.0.2 -> 127.0.0.1: the third hop is the first origin again, but after a detour the other
        // host chose, so it gets no secrets either (as browsers drop Authorization for good).
        var home = $"{_server.BaseUri}/page?from=back-home";
        var detour = $"{_server.OtherHostUri}/redirect?to={Uri.EscapeDataString(home)}";
        var r = await HttpChecker.CheckAsync(new Uri(_server.RedirectTo(detour)), new HttpCheckOptions { Headers = Secrets }, default);
        Assert.True(r.Success, r.Error);
        Assert.Equal(2, r.RedirectCount);
        var seen = _server.Seen();
        Assert.All(seen.Where(q => q.Path.Contains("from=back-home", StringComparison.Ordinal)), q => Assert.False(q.Headers.ContainsKey("Authorization"), q.Listener + q.Path));
        Assert.Contains(seen, q => q.Path == "/page?from=back-home" && q.Listener.StartsWith("127.0.0.1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refused_redirects_and_cut_bodies_are_that_uris_failure()
    {
        var file = await PageFetcher.FetchAsync(new Uri(_server.RedirectTo("file:///etc/passwd")), new FetchOptions(), default);
        Assert.Equal(HttpRedirects.RedirectNotHttp, file.Failure?.ErrorId);
        var loop = await PageFetcher.FetchAsync(new Uri(_server.BaseUri + "/loop"), new FetchOptions { MaximumRedirections = 3 }, default);
        Assert.Equal(HttpRedirects.TooManyRedirects, loop.Failure?.ErrorId);
        Assert.Contains("limit of 3 redirects", loop.Failure!.Message, StringComparison.Ordinal);
        // A body that breaks off is a failure of that page, not an exception out of the fetcher or the checker.
        var cut = await PageFetcher.FetchAsync(new Uri(_server.BaseUri + "/cut"), new FetchOptions(), default);
        Assert.Equal("ConnectionReset", cut.Failure?.ErrorId);
        var check = await HttpChecker.CheckAsync(new Uri(_server.BaseUri + "/cut"), new HttpCheckOptions(), default);
        Assert.StartsWith("ConnectionReset", check.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Truncated_says_whether_the_body_went_on_past_the_cap()
    {
        var exact = await PageFetcher.FetchAsync(new Uri(_server.BaseUri + "/big?n=5000"), new FetchOptions { MaximumContentBytes = 5000 }, default);
        Assert.False(exact.Value!.Truncated);
        var cut = await PageFetcher.FetchAsync(new Uri(_server.BaseUri + "/big?n=5001"), new FetchOptions { MaximumContentBytes = 5000 }, default);
        Assert.True(cut.Value!.Truncated);
        Assert.Equal(5000, cut.Value.Content.Length);
        var check = await HttpChecker.CheckAsync(new Uri(_server.BaseUri + "/big?n=5001"), new HttpCheckOptions { MaximumContentBytes = 5000 }, default);
        Assert.True(check.Truncated);
        Assert.Equal(5001, check.ContentLength);
    }
}
