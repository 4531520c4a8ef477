using System.Management.Automation;
using PSNetTools.Commands.Scanning;
using PSNetTools.Transport;
using PSNetTools.Net;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Transport;

/// <summary>Test-TcpEcho and Test-UdpEcho: same parameters, same rows; only the probe differs.</summary>
public abstract class EchoTestCommandBase : AsyncCmdlet
{
    private readonly List<FanOutRequest<EchoProbeOptions>> _requests = [];

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

    protected virtual EchoProbeOptions Customize(EchoProbeOptions options) => options;

    protected abstract Task<Outcome<EchoTestResult>> ProbeAsync(ResolvedTarget target, EchoProbeOptions options, CancellationToken cancellationToken);

    // Each record becomes its own work items here, with its own hosts and its own ports (a record's Port is bound
    // only while that record is current); they all run together in EndProcessing.
    protected override void ProcessRecord()
    {
        var options = Customize(new EchoProbeOptions
        {
            Message = Message,
            Count = Count,
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
            ThrottleLimit = ThrottleLimit,
        });
        _requests.Add(new FanOutRequest<EchoProbeOptions>([.. ComputerName], [.. new PortSet(Port).Ports.Select(port => options with { Port = port })]));
    }

    protected override void EndProcessing()
    {
        ScanSizeGuard.Check(this, _requests, Force, "-ComputerName or -Port");
        var allIntact = true;
        RunAsync(async (sink, ct) =>
        {
            var log = sink.WriteVerbose;
            await foreach (var outcome in FanOut.RunAsync(_requests, ThrottleLimit, (target, options, token) => ProbeAsync(target, options with { Log = log }, token), log, ct))
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
            if (Quiet) sink.WriteObject(allIntact);
        });
    }
}
