namespace PSNetTools.Testing;

/// <summary>
/// The gRPC peers: npm @grpc/grpc-js (tests/peers/rpc/grpc/grpc-server.js: Greeter, KitchenSink, reflection v1 and
/// v1alpha, health) and the ASP.NET Core sample server (samples/CalculatorServer). Each starts on a free port of
/// 127.0.0.1; the Address is "127.0.0.1:PORT". A missing peer fails the test with the step that installs or builds it.
/// </summary>
public static class GrpcPeers
{
    public static string NodeDir { get; } = Path.Combine(PeerProcess.RepoRoot, "tests", "peers", "rpc");

    public static string ProtoDir { get; } = Path.Combine(NodeDir, "grpc");

    /// <summary>tests/peers/rpc/grpc/greeter.proto (demo.v1.Greeter).</summary>
    public static string GreeterProto { get; } = Path.Combine(ProtoDir, "greeter.proto");

    /// <summary>tests/peers/rpc/grpc/kitchensink.proto (test.v1.KitchenSink, test.v1.AllTypes).</summary>
    public static string KitchenSinkProto { get; } = Path.Combine(ProtoDir, "kitchensink.proto");

    /// <summary>protos/calculator.proto (calculator.Calculator), served by <see cref="CalculatorSample"/>.</summary>
    public static string CalculatorProto { get; } = Path.Combine(PeerProcess.RepoRoot, "protos", "calculator.proto");

    /// <summary>
    /// grpc-server.js on a free port. With <paramref name="tls"/> it serves the certificate pair
    /// <paramref name="certificate"/> of tests/peers/certs.sh ("selfsigned": selfsigned.crt/.key, trust
    /// selfsigned.crt; "leaf": leaf-chain.crt/leaf.key, trust ca.crt; "interop": interop.crt/.key for *.test.google.fr,
    /// trust ca.crt) from <see cref="TestCertificates.Directory"/>.
    /// </summary>
    public static (PeerProcess Peer, string Address) NodeGrpc(bool tls = false, string certificate = "selfsigned", bool requireClientCertificate = false)
    {
        if (!Directory.Exists(Path.Combine(NodeDir, "node_modules", "@grpc", "grpc-js")))
        {
            Assert.Fail("npm @grpc/grpc-js is not installed in tests/peers/rpc: run 'sudo bash tests/peers/install.sh' (it runs npm ci there).");
        }
        var port = Loopback.FreeTcpPort();
        var arguments = $"grpc/grpc-server.js {port}";
        if (tls)
        {
            var (cert, key) = certificate switch
            {
                "selfsigned" => ("selfsigned.crt", "selfsigned.key"),
                "leaf" => ("leaf-chain.crt", "leaf.key"),
                // For *.test.google.fr only (the interop tests' name): a client at 127.0.0.1 must override the authority.
                "interop" => ("interop.crt", "interop.key"),
                _ => throw new ArgumentException($"unknown certificate '{certificate}' (selfsigned, leaf or interop)", nameof(certificate)),
            };
            arguments += $" tls {TestCertificates.File(cert)} {TestCertificates.File(key)}";
            // Mutual TLS: clients must present a certificate the test root CA signed (see ClientCertificate).
            if (requireClientCertificate) arguments += $" {TestCertificates.File("ca.crt")}";
        }
        return (PeerProcess.Start("node", arguments, port, NodeDir), $"127.0.0.1:{port}");
    }

    /// <summary>A client certificate (clientAuth) signed by the test root CA, with its private key: for mutual TLS tests.</summary>
    public static System.Security.Cryptography.X509Certificates.X509Certificate2 ClientCertificate()
    {
        using var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(TestCertificates.File("ca.crt"), TestCertificates.File("ca.key"));
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=psnettools-test-client", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension([new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        var notBefore = new DateTimeOffset(ca.NotBefore.ToUniversalTime()) > DateTimeOffset.UtcNow.AddMinutes(-5) ? new DateTimeOffset(ca.NotBefore.ToUniversalTime()) : DateTimeOffset.UtcNow.AddMinutes(-5);
        using var signed = request.Create(ca, notBefore, DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4, 5, 6, 7, 8]);
        using var withKey = System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions.CopyWithPrivateKey(signed, key);
        // Through PKCS#12 so the key is usable by SslStream on every platform.
        return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(withKey.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12), null);
    }

    /// <summary>
    /// samples/CalculatorServer (ASP.NET Core, Grpc.AspNetCore 2.85) on a free port, plaintext HTTP/2 (h2c), or TLS
    /// with selfsigned.crt/.key. <paramref name="reflection"/>: "both" (v1 and v1alpha, what MapGrpcReflectionService
    /// serves), "v1", "v1alpha" (an older server: the client must fall back) or "none".
    /// </summary>
    public static (PeerProcess Peer, string Address) CalculatorSample(bool tls = false, string reflection = "both")
    {
        var dll = CalculatorDll();
        var port = Loopback.FreeTcpPort();
        var arguments = $"{dll} --port {port} --reflection {reflection}";
        if (tls) arguments += $" --tls {TestCertificates.File("selfsigned.crt")} {TestCertificates.File("selfsigned.key")}";
        return (PeerProcess.Start("dotnet", arguments, port, Path.GetDirectoryName(dll), timeoutSec: 30), $"127.0.0.1:{port}");
    }

    /// <summary>The built sample: the test assembly's own configuration first (Release or Debug), then the other.</summary>
    public static string CalculatorDll()
    {
        var bin = Path.Combine(PeerProcess.RepoRoot, "samples", "CalculatorServer", "bin");
        var debugFirst = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal);
        foreach (var configuration in debugFirst ? new[] { "Debug", "Release" } : ["Release", "Debug"])
        {
            var dll = Path.Combine(bin, configuration, "net10.0", "CalculatorServer.dll");
            if (File.Exists(dll)) return dll;
        }
        Assert.Fail($"samples/CalculatorServer is not built ({Path.Combine(bin, "Release", "net10.0", "CalculatorServer.dll")} is missing): run 'dotnet build -c Release' at the repository root.");
        return "";
    }
}
