using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using PSNetTools.Commands.Scanning;
using PSNetTools.Engine.Net;
using PSNetTools.Engine.Tls;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Tls;

[Cmdlet(VerbsCommon.Get, "TlsCertificate", DefaultParameterSetName = HostSet)]
[OutputType(typeof(TlsCertificateInfo))]
public sealed class GetTlsCertificateCommand : AsyncCmdlet
{
    private const string HostSet = "ComputerName";
    private const string UriSet = "Uri";
    private readonly List<(string Host, int Port, string? ServerName)> _targets = [];

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = HostSet)]
    [Alias("HostName", "CN")]
    [ValidateNotNullOrEmpty]
    public string[] ComputerName { get; set; } = [];

    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = HostSet)]
    [PortTransformation]
    public PortRange[] Port { get; set; } = [new PortRange(443, 443)];

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = UriSet)]
    [ValidateNotNullOrEmpty]
    public Uri[] Uri { get; set; } = [];

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ServerName { get; set; }

    [Parameter]
    [ValidateSet("Smtp", "Imap", "Pop3")]
    public string? StartTls { get; set; }

    [Parameter]
    [ValidateNotNull]
    public X509Certificate2[] TrustedCertificate { get; set; } = [];

    [Parameter]
    [ValidateRange(0.01, 600)]
    public double TimeoutSec { get; set; } = 10;

    [Parameter]
    [ValidateRange(1, 1000)]
    public int ThrottleLimit { get; set; } = 32;

    /// <summary>Inspects more than 65,536 address × port pairs, which otherwise stops with ScanTooLarge.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == UriSet)
        {
            foreach (var uri in Uri)
            {
                if (!uri.IsAbsoluteUri || string.IsNullOrEmpty(uri.Host))
                {
                    WriteError(new ErrorRecord(new ArgumentException($"'{uri}' is not an absolute URI such as https://example.org/."), "InvalidUri", ErrorCategory.InvalidArgument, uri));
                    continue;
                }
                _targets.Add((uri.Host, uri.Port > 0 ? uri.Port : 443, ServerName ?? uri.IdnHost.Trim('[', ']')));
            }
            return;
        }
        foreach (var port in new PortSet(Port).Ports)
        {
            foreach (var host in ComputerName) _targets.Add((host, port, ServerName));
        }
    }

    // All targets are inspected together in EndProcessing, up to -ThrottleLimit at once.
    protected override void EndProcessing()
    {
        ScanSizeGuard.Check(this, [.. _targets.Select(t => t.Host)], 1, Force, "-ComputerName or -Port");
        var groups = _targets.GroupBy(t => (t.Port, t.ServerName)).ToList();
        RunAsync(async (sink, ct) =>
        {
            await Task.WhenAll(groups.Select(async group =>
            {
                var options = new TlsInspectionOptions
                {
                    Port = group.Key.Port,
                    ServerName = group.Key.ServerName,
                    Timeout = TimeSpan.FromSeconds(TimeoutSec),
                    TrustedCertificates = TrustedCertificate,
                    ThrottleLimit = Math.Max(1, ThrottleLimit / Math.Max(1, groups.Count)),
                    BeforeHandshake = StartTls is null ? null : StartTlsNegotiation.For(StartTls),
                };
                await foreach (var outcome in TlsInspector.InspectAsync(group.Select(t => t.Host), options, ct))
                {
                    if (outcome.Failure is { } failure) sink.WriteFailure(failure);
                    else sink.WriteObject(outcome.Value);
                }
            }));
        });
    }
}
