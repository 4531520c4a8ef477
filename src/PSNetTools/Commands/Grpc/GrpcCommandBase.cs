using System.Collections;
using System.Management.Automation;
using PSNetTools.Grpc;
using PSNetTools.Net;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Grpc;

/// <summary>The connection parameters every gRPC cmdlet shares, and the options record they make.</summary>
public abstract class GrpcCommandBase : TlsClientCommand
{
    [Parameter]
    [Alias("Insecure")]
    public SwitchParameter Plaintext { get; set; }

    [Parameter]
    [Alias("Headers")]
    [ValidateNotNull]
    public IDictionary? Metadata { get; set; }

    [Parameter]
    [ValidateRange(0.1, 3600)]
    public double ConnectTimeoutSec { get; set; } = 10;

    /// <summary>The name the server's certificate must have (and the SNI and :authority sent) when it is not the address's host.</summary>
    [Parameter]
    [Alias("Authority")]
    [ValidateNotNullOrEmpty]
    public string? ServerName { get; set; }

    /// <summary>The connection options; call it on the pipeline thread (a client certificate without its key stops the command).</summary>
    protected GrpcConnectionOptions ConnectionOptions(string address)
    {
        var trust = Trust();
        return new()
        {
            Address = address,
            Plaintext = Plaintext,
            ServerName = ServerName,
            SkipCertificateCheck = trust.SkipCertificateCheck,
            ConnectTimeout = TimeSpan.FromSeconds(ConnectTimeoutSec),
            Metadata = MetadataValues(Metadata),
            TrustedRoots = trust.TrustedCertificates,
            ClientCertificate = trust.ClientCertificate,
        };
    }

    /// <summary>A gRPC failure (a status, a bad body, an unreadable file) through the module's one error mapper.</summary>
    protected ErrorRecord Error(Exception exception, object? target) => ErrorRecords.FromException(exception, target, this);

    /// <summary>What a gRPC cmdlet reports as an error; anything else is a bug and ends the command.</summary>
    protected static bool IsExpected(Exception exception) =>
        exception is IHasTargetFailure or FileNotFoundException or FormatException or ArgumentException or IOException;

    internal static Dictionary<string, object> MetadataValues(IDictionary? metadata) => PowerShellValues.ValueMap(metadata);
}
