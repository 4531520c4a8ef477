using System.Globalization;
using System.Management.Automation;
using System.Numerics;
using PSNetTools.Net;
using PSNetTools.Scanning;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Scanning;

[Cmdlet(VerbsCommon.Find, "OpenPort")]
[OutputType(typeof(PortScanResult))]
public sealed class FindOpenPortCommand : AsyncCmdlet
{
    private const int ProgressId = 7101;
    private readonly List<string> _targets = [];

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("HostName", "CN")]
    [ValidateNotNullOrEmpty]
    public string[] ComputerName { get; set; } = [];

    [Parameter(Position = 1)]
    [PortTransformation]
    public PortRange[]? Port { get; set; }

    [Parameter]
    [ValidateRange(0.01, 600)]
    public double TimeoutSec { get; set; } = 1;

    [Parameter]
    [ValidateRange(1, 20_000)]
    public int ThrottleLimit { get; set; } = 1000;

    [Parameter]
    public SwitchParameter IncludeClosed { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    // Targets from the pipeline are gathered so one scan covers them all at full concurrency; rows come in input order
    // (host order, then port order), each as soon as every probe before it is done.
    protected override void ProcessRecord() => _targets.AddRange(ComputerName);

    protected override void EndProcessing()
    {
        IReadOnlyList<int> ports = Port is null ? ServiceNames.CommonPorts : new PortSet(Port).Ports;
        ScanSizeGuard.Check(this, _targets, ports.Count, Force, "-ComputerName or -Port");
        var total = TargetExpansion.CountAddresses(_targets) * ports.Count;
        var options = new PortScanOptions
        {
            Ports = ports,
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
            ThrottleLimit = ThrottleLimit,
            IncludeClosed = IncludeClosed,
        };
        var counters = new ScanCounters();
        RunAsync(async (sink, ct) =>
        {
            using var progressStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var progress = ReportProgressAsync(sink, counters, total, ports.Count, progressStop.Token);
            try
            {
                await foreach (var outcome in PortScanner.ScanAsync(_targets, options with { Log = sink.WriteVerbose }, counters, ct))
                {
                    if (outcome.Failure is { } failure) sink.WriteFailure(failure);
                    else sink.WriteObject(outcome.Value);
                }
            }
            finally
            {
                await progressStop.CancelAsync();
                await progress;
                sink.WriteProgress(ProgressThrottle.Completed(ProgressId, "Find-OpenPort"));
            }
        }, string.Join(",", _targets));
    }

    private static async Task ReportProgressAsync(PipelineSink sink, ScanCounters counters, BigInteger total, int portsPerHost, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var done = counters.ProbesDone;
                var rate = done / Math.Max(0.001, (DateTime.UtcNow - started).TotalSeconds);
                var percent = total.IsZero ? 0 : (int)Math.Min(100, (double)done * 100 / (double)total);
                var hostsDone = done / Math.Max(1, portsPerHost);
                var record = new ProgressRecord(ProgressId, "Find-OpenPort", string.Create(CultureInfo.InvariantCulture,
                    $"{done:N0} of {total:N0} probes, {hostsDone:N0} hosts done, {counters.OpenFound:N0} open, {rate:N0}/s"))
                {
                    PercentComplete = percent,
                    SecondsRemaining = rate > 0 ? (int)Math.Min(int.MaxValue, ((double)total - done) / rate) : -1,
                };
                sink.WriteProgress(record);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
