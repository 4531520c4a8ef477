using System.Management.Automation;
using PSNetTools.Commands.Scanning;
using PSNetTools.Net;
using PSNetTools.Tls;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Tls;

[Cmdlet(VerbsCommon.Get, "TlsCertificate", DefaultParameterSetName = HostSet)]
[OutputType(typeof(TlsCertificateInfo))]
public sealed class GetTlsCertificateCommand : TlsTrustCommand
{
    private const string HostSet = "ComputerName";
    private const string UriSet = "Uri";
    private readonly List<FanOutRequest<TlsInspectionOptions>> _requests = [];

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = HostSet)]
    [Alias("HostName", "CN")]
    [ValidateNotNullOrEmpty]
    public string[] ComputerName { get; set; } = [];

    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = HostSet)]
    [PortTransformation]
    public PortRange[] Port { get; set; } = [new PortRange(443, 443)];

    // object[], not Uri[]: a record's Uri property holding text would need a conversion, and PowerShell tries converting
    // the whole record to -ComputerName (by value) before that, so [pscustomobject]@{ Uri = 'https://...' } failed.
    // Both strings and [uri] values bind as they are, and are parsed in ProcessRecord.
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = UriSet)]
    [ValidateNotNullOrEmpty]
    public object[] Uri { get; set; } = [];

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ServerName { get; set; }

    [Parameter]
    [ValidateSet("Smtp", "Imap", "Pop3")]
    public string? StartTls { get; set; }

    [Parameter]
    [ValidateRange(0.01, 600)]
    public double TimeoutSec { get; set; } = 10;

    [Parameter]
    [ValidateRange(1, 1000)]
    public int ThrottleLimit { get; set; } = 32;

    /// <summary>Inspects more than 65,536 address × port pairs, which otherwise stops with ScanTooLarge.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    // Each record becomes its own work items: its hosts × its ports, or its URI's host and port with the URI's name as
    // SNI. They all run in EndProcessing under one -ThrottleLimit, output in input order.
    protected override void ProcessRecord()
    {
        var options = new TlsInspectionOptions
        {
            ServerName = ServerName,
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
            TrustedCertificates = TrustedCertificate,
            ThrottleLimit = ThrottleLimit,
            BeforeHandshake = StartTls is null ? null : StartTlsNegotiation.For(StartTls),
        };
        if (ParameterSetName == UriSet)
        {
            foreach (var value in Uri) AddUri(value, options);
            return;
        }
        // A [uri] from the pipeline has no Uri property, so PowerShell binds it to -ComputerName as text: a value that
        // is a URI is taken as one (its host, its port, its name as SNI), the way -Uri takes it.
        var hosts = new List<string>();
        foreach (var name in ComputerName)
        {
            if (name.Contains("://", StringComparison.Ordinal)) AddUri(name, options);
            else hosts.Add(name);
        }
        if (hosts.Count > 0) _requests.Add(new FanOutRequest<TlsInspectionOptions>([.. hosts], [.. new PortSet(Port).Ports.Select(port => options with { Port = port })]));
    }

    private void AddUri(object? value, TlsInspectionOptions options)
    {
        var given = value is PSObject wrapped ? wrapped.BaseObject : value;
        if (given as System.Uri is not { IsAbsoluteUri: true } uri && !System.Uri.TryCreate(given?.ToString()?.Trim(), UriKind.Absolute, out uri)
            || string.IsNullOrEmpty(uri.Host))
        {
            WriteError(new ErrorRecord(new ArgumentException($"'{given}' is not an absolute URI such as https://example.org/."), "InvalidUri", ErrorCategory.InvalidArgument, given));
            return;
        }
        _requests.Add(new FanOutRequest<TlsInspectionOptions>([uri.Host],
            [options with { Port = uri.Port > 0 ? uri.Port : 443, ServerName = ServerName ?? uri.IdnHost.Trim('[', ']') }]));
    }

    protected override void EndProcessing()
    {
        ScanSizeGuard.Check(this, _requests, Force, "-ComputerName or -Port");
        RunAsync(async (sink, ct) =>
        {
            var log = sink.WriteVerbose;
            await foreach (var outcome in FanOut.RunAsync(_requests, ThrottleLimit, (target, options, token) => TlsInspector.InspectAsync(target, options with { Log = log }, token), log, ct))
            {
                if (outcome.Failure is { } failure) sink.WriteFailure(failure);
                else sink.WriteObject(outcome.Value);
            }
        });
    }
}
