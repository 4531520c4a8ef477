using System.Management.Automation;
using PSNetTools.Ping;
using PSNetTools.Commands.Scanning;
using PSNetTools.Net;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Ping;

[Cmdlet(VerbsDiagnostic.Test, "Ping", DefaultParameterSetName = SummarySet)]
[OutputType(typeof(PingSummary), ParameterSetName = [SummarySet])]
[OutputType(typeof(PingReply), ParameterSetName = [ContinuousSet])]
[OutputType(typeof(bool), ParameterSetName = [QuietSet])]
public sealed class TestPingCommand : AsyncCmdlet
{
    private const string SummarySet = "Summary";
    private const string ContinuousSet = "Continuous";
    private const string QuietSet = "Quiet";
    private readonly List<string> _targets = [];

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("HostName", "CN")]
    [ValidateNotNullOrEmpty]
    public string[] ComputerName { get; set; } = [];

    [Parameter(ParameterSetName = SummarySet)]
    [Parameter(ParameterSetName = QuietSet)]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; } = 4;

    [Parameter]
    [ValidateRange(0.01, 3600)]
    public double IntervalSec { get; set; } = 1;

    [Parameter]
    [ValidateRange(0.01, 60)]
    public double TimeoutSec { get; set; } = 1;

    [Parameter]
    [ValidateRange(0, 65500)]
    public int BufferSize { get; set; } = 32;

    [Parameter]
    [ValidateRange(1, 255)]
    public int Ttl { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ContinuousSet)]
    public SwitchParameter Continuous { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = QuietSet)]
    public SwitchParameter Quiet { get; set; }

    [Parameter]
    [ValidateRange(1, 65536)]
    public int ThrottleLimit { get; set; } = 1024;

    /// <summary>Runs a ping of more than 65,536 addresses, which otherwise stops with ScanTooLarge.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    // Hosts from the pipeline are gathered so that all of them are pinged side by side.
    protected override void ProcessRecord() => _targets.AddRange(ComputerName);

    protected override void EndProcessing()
    {
        ScanSizeGuard.Check(this, _targets, 1, Force, "-ComputerName");
        var options = new PingOptions
        {
            Count = Count,
            Interval = TimeSpan.FromSeconds(IntervalSec),
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
            BufferSize = BufferSize,
            Ttl = MyInvocation.BoundParameters.ContainsKey(nameof(Ttl)) ? Ttl : null,
            Continuous = Continuous,
            ThrottleLimit = ThrottleLimit,
        };
        RunAsync(async (sink, ct) =>
        {
            using var pinger = new Pinger(options with { Warn = sink.WriteWarning });
            // Summaries (and -Quiet's answers) come in the order the hosts were given, each as soon as the hosts before it are done.
            await foreach (var outcome in pinger.RunAsync(_targets, Continuous ? sink.WriteObject : null, ct))
            {
                if (Quiet) sink.WriteObject(outcome.Failure is null && outcome.Value!.Received > 0);
                else if (outcome.Failure is { } failure) sink.WriteFailure(failure);
                else if (!Continuous) sink.WriteObject(outcome.Value);
            }
            sink.WriteVerbose($"Requests were sent with a {pinger.Method}.");
        }, string.Join(",", _targets));
    }
}
