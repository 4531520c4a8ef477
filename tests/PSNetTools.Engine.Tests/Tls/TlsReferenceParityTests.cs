using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using PSNetTools.Testing;
using PSNetTools.Tls;

namespace PSNetTools.Engine.Tests.Tls;

/// <summary>
/// Issue 13 item 19: Get-TlsCertificate side by side with openssl and Python's ssl (what the seed prints): UTC dates,
/// the version, the subject in openssl's order and names, and one verdict that matches the verify code a default
/// client fails with.
/// </summary>
public sealed class TlsReferenceParityTests : IClassFixture<TlsInspectorTests.Peers>
{
    private readonly TlsInspectorTests.Peers _peers;

    public TlsReferenceParityTests(TlsInspectorTests.Peers peers) => _peers = peers;

    private static Task<TlsCertificateInfo> Inspect(int port, params X509Certificate2[] trusted) => TlsInspectorTests.Inspect(port, "localhost", trusted);

    private static string Run(string program, params IEnumerable<string> arguments)
    {
        var psi = new ProcessStartInfo(PeerProcess.Require(program)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var errors = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(60_000) && p.ExitCode == 0, $"{program} failed: {errors}");
        return output.Trim();
    }

    // What Python's default context says, per port: 0 when it accepts, else the openssl verify code it fails with.
    private static int[] PythonVerifyCodes(IEnumerable<int> ports, string? caFile) => [.. Run("python3", ["-c", """
        import socket, ssl, sys
        ca = sys.argv[1] or None
        for port in sys.argv[2:]:
            context = ssl.create_default_context(cafile=ca) if ca else ssl.create_default_context()
            try:
                with socket.create_connection(("127.0.0.1", int(port)), timeout=10) as s, context.wrap_socket(s, server_hostname="localhost"):
                    print(0)
            except ssl.SSLCertVerificationError as e:
                print(e.verify_code)
        """, caFile ?? "", .. ports.Select(p => p.ToString(CultureInfo.InvariantCulture))]).Split('\n').Select(l => int.Parse(l, CultureInfo.InvariantCulture))];

    [Fact]
    public async Task The_verdict_is_the_verify_code_a_default_client_fails_with()
    {
        var n = _peers.Nginx;
        int[] ports = [n.SelfSignedPort, n.ExpiredPort, n.WrongHostPort, n.ChainPort];
        using var ca = X509CertificateLoader.LoadCertificateFromFile(TestCertificates.File("ca.crt"));
        foreach (var (caFile, anchors) in new[] { ((string?)null, Array.Empty<X509Certificate2>()), (TestCertificates.File("ca.crt"), new[] { ca }) })
        {
            var python = PythonVerifyCodes(ports, caFile);
            var ours = new List<(int, string)>();
            foreach (var port in ports)
            {
                var info = await Inspect(port, anchors);
                ours.Add((info.VerifyCode, info.Verdict));
            }
            Assert.Equal(python, ours.Select(o => o.Item1));
            // The words for the same answers (there was no single property: IsTrusted, IsExpired, HostnameMatches apart).
            Assert.Equal(caFile is null ? ["SelfSigned", "UnknownIssuer", "UnknownIssuer", "UnknownIssuer"] : ["SelfSigned", "Expired", "NameMismatch", "OK"], ours.Select(o => o.Item2));
        }
    }

    [Fact]
    public async Task Subject_dates_and_version_read_as_openssl_prints_them()
    {
        using var dir = new TempDir();
        var key = Path.Combine(dir.Path, "k.pem");
        var cert = Path.Combine(dir.Path, "c.pem");
        Run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "30",
            "-subj", "/C=CN/ST=Beijing/L=Haidian/O=Test Org/OU=Ops/CN=localhost", "-addext", "subjectAltName=DNS:localhost");
        var port = Loopback.FreeTcpPort();
        using var server = PeerProcess.Start("openssl", $"s_server -quiet -accept 127.0.0.1:{port} -cert {cert} -key {key} -www", port);
        var info = await Inspect(port);
        // openssl: subject=C=CN, ST=Beijing, ... ; .NET's Name is "CN=localhost, OU=Ops, O=Test Org, L=Haidian, S=Beijing, C=CN".
        Assert.Equal(Run("openssl", "x509", "-in", cert, "-noout", "-subject", "-nameopt", "oneline,-space_eq")["subject=".Length..], info.Subject);
        Assert.Equal(info.Subject, info.Issuer);
        var end = Run("openssl", "x509", "-in", cert, "-noout", "-enddate")["notAfter=".Length..];
        var expected = DateTime.ParseExact(System.Text.RegularExpressions.Regex.Replace(end, " +", " "), "MMM d HH:mm:ss yyyy 'GMT'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        Assert.Equal(expected, info.NotAfter);
        Assert.Equal(DateTimeKind.Utc, info.NotAfter.Kind);
        Assert.Equal(3, info.Version);
    }
}
