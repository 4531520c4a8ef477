using System.Management.Automation;
using PSNetTools.Commands.Scanning;
using PSNetTools.Engine.Echo;
using PSNetTools.Engine.Net;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Transport;

/// <summary>Test-TcpEcho and Test-UdpEcho: same parameters, same rows; only the probe differs.</summary>
public abstract class EchoTestCommandBase : AsyncCmdlet
{
    private readonly List<string> _targets = [];

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("HostName", "CN")]
    [ValidateNotNullOrEmpty]
    public string[] ComputerName { get; set; } = [];

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [PortTransformation]
    public PortRange[] Port { get; set; } = [];

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Message { get; set; } = "Hello, server!";

    [Parameter]
    [ValidateRange(1, 100_000)]
    public int Count { get; set; } = 1;

    [Parameter]
    [ValidateRange(0.01, 3600)]
    public double TimeoutSec { get; set; } = 2;

    [Parameter]
    [ValidateRange(1, 10_000)]
    public int ThrottleLimit { get; set; } = 32;

    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>Runs a test of more than 65,536 address × port probes, which otherwise stops with ScanTooLarge.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected abstract IAsyncEnumerable<Outcome<EchoTestResult>> Probe(IEnumerable<string> targets, EchoProbeOptions options, CancellationToken cancellationToken);

    // Targets from the pipeline are gathered first so they can all be probed at once.
    protected override void ProcessRecord() => _targets.AddRange(ComputerName);

    protected override void EndProcessing()
    {
        var allIntact = true;
        var ports = new PortSet(Port).Ports;
        ScanSizeGuard.Check(this, _targets, ports.Count, Force, "-ComputerName or -Port");
        RunAsync(async (sink, ct) =>
        {
            foreach (var port in ports)
            {
                var options = new EchoProbeOptions
                {
                    Port = port,
                    Message = Message,
                    Count = Count,
                    Timeout = TimeSpan.FromSeconds(TimeoutSec),
                    ThrottleLimit = ThrottleLimit,
                };
                await foreach (var outcome in Probe(_targets, options, ct))
                {
                    if (outcome.Failure is { } failure)
                    {
                        allIntact = false;
                        if (!Quiet) sink.WriteFailure(failure);
                        continue;
                    }
                    if (!outcome.Value!.AllMatched) allIntact = false;
                    if (!Quiet) sink.WriteObject(outcome.Value);
                }
            }
            if (Quiet) sink.WriteObject(allIntact);
        });
    }
}
