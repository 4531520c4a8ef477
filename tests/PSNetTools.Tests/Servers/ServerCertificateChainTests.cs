using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Servers;

/// <summary>
/// A TLS server sends its certificate chain, not only the leaf: the leaf of tests/peers/certs.sh is signed by an
/// intermediate, so a client that trusts only the root (openssl s_client -CAfile ca.crt, Send-TcpMessage
/// -TrustedCertificate ca.crt) can verify the server only if the server sends that intermediate. Start-TcpEchoServer is
/// the one Start-*Server cmdlet that speaks TLS (the HttpListener-based servers have no TLS on Linux and macOS).
/// </summary>
public sealed class ServerCertificateChainTests
{
    private static string Ca => TestCertificates.File("ca.crt");

    // A PEM file as nginx and HAProxy take it: the leaf, the intermediate, then the key.
    private static string CombinedPem()
    {
        var path = TestCertificates.File("leaf-chain-and-key.pem");
        if (!File.Exists(path))
        {
            File.WriteAllText(path, File.ReadAllText(TestCertificates.File("leaf-chain.crt")) + File.ReadAllText(TestCertificates.File("leaf.key")));
        }
        return path;
    }

    private static string StartServer(string path) => path.EndsWith(".pfx", StringComparison.Ordinal)
        ? $"$srv = Start-TcpEchoServer -Port 0 -CertificatePath '{path}' -CertificatePassword ([Net.NetworkCredential]::new('', 'test').SecurePassword)"
        : $"$srv = Start-TcpEchoServer -Port 0 -CertificatePath '{path}'";

    public static TheoryData<string> Files => new() { "leaf.pfx", "pem" };

    private static string FileFor(string kind) => kind == "pem" ? CombinedPem() : TestCertificates.File(kind);

    // openssl s_client as a person runs it, trusting only the root; stdin closed so it ends after the handshake.
    private static string SClient(int port)
    {
        var info = new System.Diagnostics.ProcessStartInfo("openssl", $"s_client -connect 127.0.0.1:{port} -servername localhost -CAfile {Ca} -verify_return_error")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(info)!;
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(15_000), "openssl s_client did not end");
        return stdout + stderr.Result;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Openssl_trusting_only_the_root_verifies_the_echo_server_and_sees_the_intermediate(string kind)
    {
        PeerProcess.Require("openssl");
        // Servers belong to the process, not the runspace: this one outlives Ps.Run until it is stopped by name.
        var name = $"chain-{kind}-{Environment.ProcessId}";
        var started = Ps.Run($"{StartServer(FileFor(kind))} -Name {name}; $srv.Port");
        started.AssertNoErrors();
        string text;
        try
        {
            text = SClient((int)Assert.Single(started.Output).BaseObject);
        }
        finally
        {
            Ps.Run($"Stop-NetServer -Name {name}").AssertNoErrors();
        }
        Assert.Contains("Verify return code: 0 (ok)", text, StringComparison.Ordinal);
        // The chain the server sent: 0 is the leaf, 1 the intermediate that only the server can supply.
        Assert.Contains(" 1 s:CN = PSNetTools Test Intermediate CA", text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void The_module_clients_trusting_only_the_root_talk_to_the_echo_server(string kind)
    {
        var r = Ps.Run($$"""
            {{StartServer(FileFor(kind))}}
            (Send-TcpMessage 127.0.0.1 -Port $srv.Port -Message 'ping' -TrustedCertificate '{{Ca}}').Text
            $row = Test-TcpEcho localhost -Port $srv.Port -TrustedCertificate '{{Ca}}' -Count 2
            $row.AllMatched
            $srv | Stop-NetServer
            """);
        r.AssertNoErrors();
        Assert.Equal(["ping", "True"], r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void Test_TcpEcho_and_Send_TcpMessage_both_say_Tls_inside_TLS_and_Tcp_outside()
    {
        var r = Ps.Run($$"""
            {{StartServer(TestCertificates.File("leaf.pfx"))}}
            $plain = Start-TcpEchoServer -Port 0
            (Test-TcpEcho 127.0.0.1 -Port $srv.Port -UseTls -SkipCertificateCheck).Protocol
            (Send-TcpMessage 127.0.0.1 -Port $srv.Port -Message x -UseTls -SkipCertificateCheck).Protocol
            (Test-TcpEcho 127.0.0.1 -Port $plain.Port).Protocol
            (Send-TcpMessage 127.0.0.1 -Port $plain.Port -Message x).Protocol
            $srv, $plain | Stop-NetServer
            """);
        r.AssertNoErrors();
        Assert.Equal(["Tls", "Tls", "Tcp", "Tcp"], r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void A_PEM_file_without_a_key_is_refused_with_the_reason()
    {
        var r = Ps.Run($"Start-TcpEchoServer -Port 0 -CertificatePath '{TestCertificates.File("leaf-chain.crt")}'");
        var e = r.Terminating?.ErrorRecord ?? Assert.Single(r.Errors);
        Assert.Equal("CertificateWithoutKey", e.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("private key", e.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(r.Output);
    }
}
