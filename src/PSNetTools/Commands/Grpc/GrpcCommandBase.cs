using System.Collections;
using System.Globalization;
using System.Management.Automation;
using PSNetTools.Engine.Grpc;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Grpc;

/// <summary>The connection parameters every gRPC cmdlet shares, and the options record they make.</summary>
public abstract class GrpcCommandBase : AsyncCmdlet
{
    [Parameter]
    [Alias("Insecure")]
    public SwitchParameter Plaintext { get; set; }

    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    [Parameter]
    [Alias("Headers")]
    [ValidateNotNull]
    public Hashtable? Metadata { get; set; }

    [Parameter]
    [ValidateRange(0.1, 3600)]
    public double ConnectTimeoutSec { get; set; } = 10;

    protected GrpcConnectionOptions ConnectionOptions(string address, PipelineSink? sink = null) => new()
    {
        Address = address,
        Plaintext = Plaintext,
        SkipCertificateCheck = SkipCertificateCheck,
        ConnectTimeout = TimeSpan.FromSeconds(ConnectTimeoutSec),
        Metadata = MetadataValues(Metadata),
        Log = sink is null ? null : sink.WriteVerbose,
    };

    internal static Dictionary<string, object> MetadataValues(Hashtable? metadata) =>
        metadata?.Cast<DictionaryEntry>().ToDictionary(
            e => Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? "",
            e => e.Value is PSObject ps ? ps.BaseObject : e.Value ?? "") ?? [];
}
