using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using PSNetTools.Net;
using PSNetTools.Tls;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Tls;

public sealed class TlsInspectorTests : IClassFixture<TlsInspectorTests.Peers>
{
    private static readonly ResolvedTarget Local = new("127.0.0.1", IPAddress.Loopback);
    private readonly Peers _peers;

    public TlsInspectorTests(Peers peers) => _peers = peers;

    public sealed class Peers : IDisposable
    {
        public TlsNginx Nginx { get; } = new();

        public void Dispose() => Nginx.Dispose();
    }

    internal static async Task<TlsCertificateInfo> Inspect(int port, string? serverName = "localhost", params X509Certificate2[] trusted)
    {
        var outcome = await TlsInspector.InspectAsync(Local, new TlsInspectionOptions { Port = port, ServerName = serverName, TrustedCertificates = trusted }, default);
        Assert.Null(outcome.Failure);
        return outcome.Value!;
    }

    [Fact]
    public async Task Self_signed_is_reported_untrusted_but_valid_in_time_and_name()
    {
        var c = await Inspect(_peers.Nginx.SelfSignedPort);
        Assert.Equal("CN=localhost", c.Subject);
        Assert.Equal(c.Subject, c.Issuer);
        Assert.False(c.IsTrusted);
        Assert.False(c.IsExpired);
        Assert.InRange(c.DaysUntilExpiry, 360, 366);
        Assert.True(c.HostnameMatches);
        Assert.Contains("UntrustedRoot", c.ChainErrors, StringComparison.Ordinal);
        Assert.Equal(["localhost", "127.0.0.1"], c.SubjectAlternativeNames);
        Assert.Equal(("ECDSA", 256), (c.KeyAlgorithm, c.KeySize));
        Assert.StartsWith("Tls1", c.Protocol, StringComparison.Ordinal);
        Assert.StartsWith("TLS_", c.CipherSuite, StringComparison.Ordinal);
        Assert.Equal(c.Certificate.Thumbprint, c.Thumbprint);
    }

    [Fact]
    public async Task Expired_certificate()
    {
        var c = await Inspect(_peers.Nginx.ExpiredPort);
        Assert.True(c.IsExpired);
        Assert.True(c.DaysUntilExpiry < -365);
        Assert.Equal(new DateTime(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc), c.NotAfter.ToUniversalTime());
        Assert.Contains("NotTimeValid", c.ChainErrors, StringComparison.Ordinal);
        // Signed by the test root: with it as an anchor the chain is trusted, the expiry is still reported.
        var anchored = await Inspect(_peers.Nginx.ExpiredPort, "localhost", X509CertificateLoader.LoadCertificateFromFile(TestCertificates.File("ca.crt")));
        Assert.True(anchored.IsTrusted);
        Assert.True(anchored.IsExpired);
        Assert.Contains("NotTimeValid", anchored.ChainErrors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_host()
    {
        var c = await Inspect(_peers.Nginx.WrongHostPort);
        Assert.False(c.HostnameMatches);
        Assert.Equal(["wrong.example"], c.SubjectAlternativeNames);
        Assert.True((await Inspect(_peers.Nginx.WrongHostPort, "wrong.example")).HostnameMatches);
    }

    [Fact]
    public async Task Ca_intermediate_leaf_chain_is_trusted_only_with_the_anchor()
    {
        var ca = X509CertificateLoader.LoadCertificateFromFile(TestCertificates.File("ca.crt"));
        var without = await Inspect(_peers.Nginx.ChainPort);
        Assert.False(without.IsTrusted);
        Assert.NotEqual("", without.ChainErrors);

        var with = await Inspect(_peers.Nginx.ChainPort, "localhost", ca);
        Assert.True(with.IsTrusted);
        Assert.Equal("", with.ChainErrors);
        Assert.Equal(["CN=localhost", "CN=PSNetTools Test Intermediate CA", "CN=PSNetTools Test Root CA"], with.Chain.Select(c => c.Subject));
        Assert.Equal("CN=PSNetTools Test Intermediate CA", with.Issuer);
    }

    [Fact]
    public async Task Ipv6_and_ip_san_matching()
    {
        var outcome = await TlsInspector.InspectAsync(new ResolvedTarget("::1", IPAddress.IPv6Loopback), new TlsInspectionOptions { Port = _peers.Nginx.ChainPort }, default);
        var c = outcome.Value!;
        Assert.Equal("::1", c.ServerName);
        Assert.True(c.HostnameMatches); // the leaf has IP:::1 in its SAN
    }

    [Fact]
    public async Task Plain_text_ports_are_clear_errors_within_the_timeout()
    {
        var (echo, echoPort) = Loopback.SocatTcpEcho();
        using var _ = echo;
        var silentPort = Loopback.FreeTcpPort();
        using var silent = PeerProcess.Start("socat", $"TCP-LISTEN:{silentPort},bind=127.0.0.1,reuseaddr,fork SYSTEM:\"sleep 30\"", silentPort);
        var httpPort = Loopback.FreeTcpPort();
        using var http = PeerProcess.Start("python3", $"-m http.server {httpPort} --bind 127.0.0.1", httpPort);
        // Issue 11: the shared ids, TlsFailed for an answer that is not TLS and Timeout for none.
        foreach (var (port, id, says) in new[] { (echoPort, "TlsFailed", "plain-text port"), (silentPort, "Timeout", "TLS handshake got no answer"), (httpPort, "TlsFailed", "plain-text port") })
        {
            var watch = Stopwatch.StartNew();
            var outcome = await TlsInspector.InspectAsync(Local, new TlsInspectionOptions { Port = port, Timeout = TimeSpan.FromSeconds(1) }, default);
            Assert.Equal(id, outcome.Failure?.ErrorId);
            Assert.Contains(says, outcome.Failure!.Message, StringComparison.Ordinal);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"port {port}: {watch.Elapsed}");
        }
    }

    [Fact]
    public async Task Many_targets_in_parallel_with_failures_alone()
    {
        var rows = new List<Outcome<TlsCertificateInfo>>();
        await foreach (var o in TlsInspector.InspectAsync(["127.0.0.1", "localhost", "no-such-host.invalid", "127.0.0.1-127.0.0.3"], new TlsInspectionOptions { Port = _peers.Nginx.ChainPort, Timeout = TimeSpan.FromSeconds(3) }))
        {
            rows.Add(o);
        }
        Assert.Equal(3, rows.Count(r => r.Value is not null)); // 127.0.0.1 twice and localhost
        Assert.Single(rows, r => r.Failure?.ErrorId == "HostNotResolved");
        Assert.Equal(2, rows.Count(r => r.Failure?.ErrorId == "ConnectionRefused")); // nginx listens on 127.0.0.1 only
    }

    [Fact]
    public async Task The_starttls_hook_runs_before_the_handshake()
    {
        var hooked = false;
        var options = new TlsInspectionOptions
        {
            Port = _peers.Nginx.SelfSignedPort,
            ServerName = "localhost",
            BeforeHandshake = (_, _) =>
            {
                hooked = true;
                return Task.CompletedTask;
            },
        };
        Assert.Null((await TlsInspector.InspectAsync(Local, options, default)).Failure);
        Assert.True(hooked);
    }
}
