using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Infrastructure;

/// <summary>
/// The messages whose advice used to be written by the engine ("pick another -Port", "give its directory with
/// -ImportPath", "in -To"): the message is the engine's account of what happened, the parameter to change is in
/// ErrorDetails.RecommendedAction, from ErrorAdvice.
/// </summary>
public sealed class EngineMessageAdviceTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("psnt-advice-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void A_port_in_use_says_so_and_the_advice_names_Port()
    {
        using var blocker = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((System.Net.IPEndPoint)blocker.LocalEndpoint).Port;
        var r = Ps.Run($"Start-TcpEchoServer -Port {port}", timeoutSec: 20);
        var e = Assert.Single(r.Errors);
        Assert.StartsWith("PortInUse", e.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal($"Port {port} on 127.0.0.1 is already in use.", e.ErrorDetails.Message);
        Assert.Equal("Stop whatever listens there, or pick another -Port (0 picks a free one).", e.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void A_missing_proto_import_names_the_paths_searched_and_the_advice_names_ImportPath()
    {
        var main = Path.Combine(_dir.FullName, "main.proto");
        File.WriteAllText(main, "syntax = \"proto3\";\nimport \"missing/dep.proto\";\n");
        var r = Ps.Run($"Get-GrpcService -ProtoFile '{main}'");
        var e = r.Terminating?.ErrorRecord ?? Assert.Single(r.Errors);
        Assert.StartsWith("ProtoImportNotFound", e.FullyQualifiedErrorId, StringComparison.Ordinal);
        var message = e.ErrorDetails?.Message ?? e.Exception.Message;
        Assert.Contains("Import \"missing/dep.proto\" was not found in the import paths", message, StringComparison.Ordinal);
        Assert.DoesNotContain("-ImportPath", message, StringComparison.Ordinal);
        Assert.Contains("-ImportPath", e.ErrorDetails?.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_address_names_the_field_not_a_parameter()
    {
        var r = Ps.Run("Send-Mail -Server 127.0.0.1 -Port 1 -From me@example.com -To not-an-address -Subject s -Body b");
        var e = Assert.Single(r.Errors);
        Assert.StartsWith("MailInvalidAddress", e.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal("'not-an-address' in To is not a valid e-mail address (expected name@domain).", e.Exception.Message);
    }
}
