using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Http;

/// <summary>
/// Issue 10, items 14 and 22: what the redirect-following cmdlets (Test-HttpEndpoint, Invoke-Scrape, Invoke-Crawl,
/// Invoke-XmlRpc; Connect-WebSocket refuses redirects) do when a lying server redirects to another origin, to file:
/// or ftp:, in a loop, or sends more than the size cap.
/// </summary>
public sealed class HostileRedirectTests : IClassFixture<HostileRedirectTests.Peers>
{
    private const string Secrets = "@{ Authorization = 'Bearer s3cret'; Cookie = 'session=s3cret'; 'X-Api-Key' = 's3cret'; 'Accept-Language' = 'fr' }";
    private readonly LyingHttpServer _server;

    public HostileRedirectTests(Peers peers) => _server = peers.Server;

    public sealed class Peers : IDisposable
    {
        public LyingHttpServer Server { get; } = new(tls: true);

        public void Dispose() => Server.Dispose();
    }

    [Fact]
    public void Credential_headers_never_follow_a_redirect_to_another_host_or_port()
    {
        var s = _server;
        string To(string origin, string tag) => s.RedirectTo($"{origin}/page?from={tag}");
        var r = Ps.Run($$"""
            $h = {{Secrets}}
            $null = Test-HttpEndpoint '{{To(s.OtherHostUri, "check-host")}}', '{{To(s.OtherPortUri, "check-port")}}', '{{To(s.BaseUri, "check-same")}}' -Headers $h
            $null = Test-HttpEndpoint '{{To(s.OtherHostUri, "check-307")}}&status=307' -Method POST -Body 'b' -Headers $h
            $null = Invoke-Scrape '{{To(s.OtherHostUri, "scrape-host")}}', '{{To(s.OtherPortUri, "scrape-port")}}', '{{To(s.BaseUri, "scrape-same")}}' -Headers $h
            $null = Invoke-Crawl '{{To(s.OtherHostUri, "crawl-host")}}', '{{To(s.OtherPortUri, "crawl-port")}}', '{{To(s.BaseUri, "crawl-same")}}' -Headers $h -Depth 1 -AllowedDomain 127.0.0.1, 127.0.0.2 -IgnoreRobotsTxt
            # https -> http on the same host: a downgrade is another origin too.
            $down = '{{s.TlsBaseUri}}/redirect?to=' + [uri]::EscapeDataString('{{s.BaseUri}}/page?from=')
            $null = Test-HttpEndpoint ($down + 'check-down') -Headers $h -SkipCertificateCheck
            $null = Invoke-Scrape ($down + 'scrape-down') -Headers $h -SkipCertificateCheck
            $null = Invoke-Crawl ($down + 'crawl-down') -Headers $h -Depth 1 -IgnoreRobotsTxt -SkipCertificateCheck
            """);
        r.AssertNoErrors();
        var seen = _server.Seen();
        var landed = seen.Where(q => q.Path.StartsWith("/page?from=", StringComparison.Ordinal)).ToList();
        // The first hop of the https chain did carry them: the secrets were there to leak.
        Assert.Contains(seen, q => q.Path.StartsWith("/redirect?to=", StringComparison.Ordinal) && q.Path.Contains("check-down", StringComparison.Ordinal) && q.Headers.ContainsKey("Authorization"));
        foreach (var tag in new[] { "check-host", "check-port", "check-307", "check-down", "scrape-host", "scrape-port", "scrape-down", "crawl-host", "crawl-port", "crawl-down" })
        {
            var hop = Assert.Single(landed, q => q.Path.EndsWith("from=" + tag, StringComparison.Ordinal));
            foreach (var secret in new[] { "Authorization", "Cookie", "X-Api-Key" }) Assert.False(hop.Headers.ContainsKey(secret), $"{tag}: {secret} reached {hop.Listener}");
            // The safe ones still go: the other origin answers in the language the caller asked for.
            Assert.Equal("fr", hop.Headers["Accept-Language"]);
        }
        foreach (var tag in new[] { "check-same", "scrape-same", "crawl-same" })
        {
            var hop = Assert.Single(landed, q => q.Path.EndsWith("from=" + tag, StringComparison.Ordinal));
            Assert.Equal("Bearer s3cret", hop.Headers["Authorization"]);
            Assert.Equal("s3cret", hop.Headers["X-Api-Key"]);
        }
    }

    [Fact]
    public void Invoke_XmlRpc_and_Connect_WebSocket_carry_no_secret_to_another_origin()
    {
        // Both had SocketsHttpHandler follow redirects itself, which drops Authorization but re-sends every other
        // header: Cookie and X-Api-Key reached 127.0.0.2 (and another port) from both cmdlets.
        var s = _server;
        string To(string origin, string tag) => $"{origin}/page?from={tag}";
        var r = Ps.Run($$"""
            $h = {{Secrets}}
            $cred = [pscredential]::new('user', (ConvertTo-SecureString 's3cret' -AsPlainText -Force))
            $null = Invoke-XmlRpc '{{s.RedirectTo(To(s.OtherHostUri, "xmlrpc-host"), 307)}}' -Method m -Headers $h -Credential $cred -ErrorAction SilentlyContinue
            $null = Invoke-XmlRpc '{{s.RedirectTo(To(s.OtherPortUri, "xmlrpc-port"), 308)}}' -Method m -Headers $h -ErrorAction SilentlyContinue
            $null = Invoke-XmlRpc '{{s.RedirectTo(To(s.BaseUri, "xmlrpc-same"), 307)}}' -Method m -Headers $h -Credential $cred -ErrorAction SilentlyContinue
            $null = Invoke-XmlRpc '{{s.RedirectTo("file:///etc/passwd", 307)}}' -Method m -ErrorAction SilentlyContinue -ErrorVariable fileError
            $fileError.Exception.Message
            $ws = '{{s.RedirectTo(To(s.OtherHostUri, "ws-host"))}}' -replace '^http:', 'ws:'
            $null = Connect-WebSocket $ws -Headers $h -ErrorAction SilentlyContinue -ErrorVariable wsError
            $wsError.Exception.Message
            """);
        Assert.Null(r.Terminating);
        var landed = _server.Seen().Where(q => q.Path.StartsWith("/page?from=", StringComparison.Ordinal)).ToList();
        foreach (var tag in new[] { "xmlrpc-host", "xmlrpc-port" })
        {
            var hop = Assert.Single(landed, q => q.Path.EndsWith("from=" + tag, StringComparison.Ordinal));
            Assert.Equal("POST", hop.Method);
            foreach (var secret in new[] { "Authorization", "Cookie", "X-Api-Key" }) Assert.False(hop.Headers.ContainsKey(secret), $"{tag}: {secret} reached {hop.Listener}");
            Assert.Equal("fr", hop.Headers["Accept-Language"]);
        }
        var same = Assert.Single(landed, q => q.Path.EndsWith("from=xmlrpc-same", StringComparison.Ordinal));
        Assert.Equal("s3cret", same.Headers["X-Api-Key"]);
        Assert.StartsWith("Basic ", same.Headers["Authorization"], StringComparison.Ordinal);
        Assert.Contains("only redirects to http and https are followed", r.Output[0].BaseObject.ToString(), StringComparison.Ordinal);
        // A WebSocket handshake is not redirected at all, as in browsers: the 302 is the error.
        Assert.DoesNotContain(landed, q => q.Path.EndsWith("from=ws-host", StringComparison.Ordinal));
        Assert.Contains("302", r.Output[1].BaseObject.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_redirect_to_file_or_ftp_or_in_a_loop_is_that_uris_error_and_the_rest_goes_on()
    {
        var s = _server;
        var r = Ps.Run($$"""
            Test-HttpEndpoint '{{s.RedirectTo("file:///etc/passwd")}}', '{{s.RedirectTo("ftp://127.0.0.1/x")}}', '{{s.BaseUri}}/loop', '{{s.BaseUri}}/page' | ForEach-Object { 'check|{0}|{1}' -f $_.Success, ($_.Error -split ':')[0] }
            Invoke-Scrape '{{s.RedirectTo("file:///etc/passwd")}}', '{{s.RedirectTo("ftp://127.0.0.1/x")}}', '{{s.BaseUri}}/loop', '{{s.BaseUri}}/page' | ForEach-Object { 'scrape|' + $_.Title }
            Invoke-Crawl '{{s.RedirectTo("file:///etc/passwd")}}' -Depth 1 | ForEach-Object { 'crawl|{0}|{1}' -f $_.StatusCode, ($_.Error -split ':')[0] }
            """);
        Assert.Null(r.Terminating);
        // Test-HttpEndpoint writes rows as requests finish, so the order is not asserted.
        string[] expected = ["check|False|RedirectNotHttp", "check|False|RedirectNotHttp", "check|False|TooManyRedirects", "check|True|", "crawl|302|RedirectNotHttp", "scrape|landed"];
        Assert.Equal(expected, r.Output.Select(o => o.BaseObject.ToString()).Order(StringComparer.Ordinal));
        // Invoke-Scrape reports each as that URI's error, with a stable id and the URI as target.
        Assert.Equal(["RedirectNotHttp", "RedirectNotHttp", "TooManyRedirects"], r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Equal(s.BaseUri + "/loop", r.Errors[2].TargetObject);
    }

    [Fact]
    public void A_body_cut_at_the_size_cap_says_so()
    {
        var s = _server;
        var r = Ps.Run($$"""
            Test-HttpEndpoint '{{s.BaseUri}}/big?n=17000000' | ForEach-Object { 'check|{0}|{1}' -f $_.Truncated, $_.Success }
            Invoke-Scrape '{{s.BaseUri}}/big?n=3000' -MaximumContentBytes 2000 | ForEach-Object { 'scrape|{0}|{1}' -f $_.Truncated, $_.Title }
            Invoke-Crawl '{{s.BaseUri}}/big?n=3000' -Depth 0 -MaximumContentBytes 2000 | ForEach-Object { 'crawl|{0}|{1}' -f $_.Truncated, $_.Bytes }
            Invoke-Scrape '{{s.BaseUri}}/page' | ForEach-Object { 'whole|{0}' -f $_.Truncated }
            """);
        r.AssertNoErrors();
        Assert.Equal(["check|True|True", "scrape|True|big", "crawl|True|2000", "whole|False"], r.Output.Select(o => o.BaseObject.ToString()));
        // One warning per cut body, naming the cap and the parameter that raises it.
        Assert.Equal(3, r.Warnings.Count);
        Assert.All(r.Warnings, w => Assert.Contains("-MaximumContentBytes", w.Message, StringComparison.Ordinal));
        Assert.Contains("16 MB", r.Warnings[0].Message, StringComparison.Ordinal);
        Assert.Contains("2000 bytes", r.Warnings[1].Message, StringComparison.Ordinal);
    }
}
