using System.Management.Automation;
using PSNetTools.Infrastructure;
using PSNetTools.Transport;
using PSNetTools.Net;

namespace PSNetTools.Commands.Transport;

[Cmdlet(VerbsDiagnostic.Test, "TcpEcho")]
[OutputType(typeof(EchoTestResult), typeof(bool))]
[DynamicParameters(typeof(TcpTlsParameters))]
public sealed class TestTcpEchoCommand : EchoTestCommandBase, IDynamicParameters
{
    private readonly TcpTlsParameters _tls = new();

    /// <summary>-UseTls (probes inside TLS, as Send-TcpMessage -UseTls), -ServerName and the trust parameters every TLS client has.</summary>
    public object GetDynamicParameters() => _tls;

    protected override EchoProbeOptions Customize(EchoProbeOptions options) => options with
    {
        UseTls = _tls.Wanted,
        ServerName = _tls.ServerName,
        Tls = _tls.TrustFor(this),
    };

    protected override Task<Outcome<EchoTestResult>> ProbeAsync(ResolvedTarget target, EchoProbeOptions options, CancellationToken cancellationToken) =>
        TcpEchoProbe.ProbeAsync(target, options, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _tls.Dispose();
        base.Dispose(disposing);
    }
}
