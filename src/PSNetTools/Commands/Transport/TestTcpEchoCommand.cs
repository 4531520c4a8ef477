using System.Management.Automation;
using PSNetTools.Transport;
using PSNetTools.Net;

namespace PSNetTools.Commands.Transport;

[Cmdlet(VerbsDiagnostic.Test, "TcpEcho")]
[OutputType(typeof(EchoTestResult), typeof(bool))]
public sealed class TestTcpEchoCommand : EchoTestCommandBase
{
    protected override Task<Outcome<EchoTestResult>> ProbeAsync(ResolvedTarget target, EchoProbeOptions options, CancellationToken cancellationToken) =>
        TcpEchoProbe.ProbeAsync(target, options, cancellationToken);
}
