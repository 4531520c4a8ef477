using System.Management.Automation;
using PSNetTools.Engine.Echo;
using PSNetTools.Engine.Net;

namespace PSNetTools.Commands.Transport;

[Cmdlet(VerbsDiagnostic.Test, "UdpEcho")]
[OutputType(typeof(EchoTestResult), typeof(bool))]
public sealed class TestUdpEchoCommand : EchoTestCommandBase
{
    protected override IAsyncEnumerable<Outcome<EchoTestResult>> Probe(IEnumerable<string> targets, EchoProbeOptions options, CancellationToken cancellationToken) =>
        UdpEchoProbe.RunAsync(targets, options, cancellationToken);
}
