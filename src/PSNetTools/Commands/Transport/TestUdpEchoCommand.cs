using System.Management.Automation;
using PSNetTools.Transport;
using PSNetTools.Net;

namespace PSNetTools.Commands.Transport;

[Cmdlet(VerbsDiagnostic.Test, "UdpEcho")]
[OutputType(typeof(EchoTestResult), typeof(bool))]
public sealed class TestUdpEchoCommand : EchoTestCommandBase
{
    protected override Task<Outcome<EchoTestResult>> ProbeAsync(ResolvedTarget target, EchoProbeOptions options, CancellationToken cancellationToken) =>
        UdpEchoProbe.ProbeAsync(target, options, cancellationToken);
}
