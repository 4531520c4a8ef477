using System.Management.Automation;
using PSNetTools.Engine.Echo;
using PSNetTools.Engine.Net;

namespace PSNetTools.Commands.Transport;

[Cmdlet(VerbsDiagnostic.Test, "TcpEcho")]
[OutputType(typeof(EchoTestResult), typeof(bool))]
public sealed class TestTcpEchoCommand : EchoTestCommandBase
{
    protected override IAsyncEnumerable<Outcome<EchoTestResult>> Probe(IEnumerable<string> targets, EchoProbeOptions options, CancellationToken cancellationToken) =>
        TcpEchoProbe.RunAsync(targets, options, cancellationToken);
}
