using System.Management.Automation;
using PSNetTools.Transport;
using PSNetTools.Net;

namespace PSNetTools.Commands.Transport;

[Cmdlet(VerbsDiagnostic.Test, "TcpEcho")]
[OutputType(typeof(EchoTestResult), typeof(bool))]
public sealed class TestTcpEchoCommand : EchoTestCommandBase
{
    /// <summary>Probes inside TLS, as Send-TcpMessage -UseTls does (the echo server started with -Certificate).</summary>
    [Parameter]
    public SwitchParameter UseTls { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ServerName { get; set; }

    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    // -ServerName and -SkipCertificateCheck only make sense with TLS, so either one turns it on (as in Send-TcpMessage).
    protected override EchoProbeOptions Customize(EchoProbeOptions options) => options with
    {
        UseTls = UseTls || ServerName is not null || SkipCertificateCheck,
        ServerName = ServerName,
        SkipCertificateCheck = SkipCertificateCheck,
    };

    protected override Task<Outcome<EchoTestResult>> ProbeAsync(ResolvedTarget target, EchoProbeOptions options, CancellationToken cancellationToken) =>
        TcpEchoProbe.ProbeAsync(target, options, cancellationToken);
}
