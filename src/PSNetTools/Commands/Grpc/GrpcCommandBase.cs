using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using PSNetTools.Grpc;
using PSNetTools.Net;
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

    /// <summary>PEM or DER files of the CA certificates that signed the server's certificate (a private CA).</summary>
    [Parameter]
    [Alias("CACert")]
    [ValidateNotNullOrEmpty]
    public string[]? CaCertificatePath { get; set; }

    /// <summary>A client certificate with its private key, for mutual TLS.</summary>
    [Parameter]
    [ValidateNotNull]
    public X509Certificate2? Certificate { get; set; }

    [Parameter]
    [Alias("Headers")]
    [ValidateNotNull]
    public IDictionary? Metadata { get; set; }

    [Parameter]
    [ValidateRange(0.1, 3600)]
    public double ConnectTimeoutSec { get; set; } = 10;

    /// <summary>The connection options; reads paths and certificates, so call it on the pipeline thread.</summary>
    protected GrpcConnectionOptions ConnectionOptions(string address) => new()
    {
        Address = address,
        Plaintext = Plaintext,
        SkipCertificateCheck = SkipCertificateCheck,
        ConnectTimeout = TimeSpan.FromSeconds(ConnectTimeoutSec),
        Metadata = MetadataValues(Metadata),
        TrustedRoots = CaCertificates(),
        ClientCertificate = Certificate,
    };

    private List<X509Certificate2> CaCertificates()
    {
        var roots = new List<X509Certificate2>();
        foreach (var path in (CaCertificatePath ?? []).Select(GetUnresolvedProviderPathFromPSPath))
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"-CaCertificatePath: '{path}' does not exist.", path);
            try
            {
                var collection = new X509Certificate2Collection();
                collection.ImportFromPemFile(path);
                if (collection.Count == 0) collection.Add(new X509Certificate2(path));
                roots.AddRange(collection);
            }
            catch (System.Security.Cryptography.CryptographicException ex)
            {
                throw new ArgumentException($"-CaCertificatePath: '{path}' is not a PEM or DER certificate: {ex.Message}", ex);
            }
        }
        return roots;
    }

    /// <summary>A gRPC failure (a status, a bad body, an unreadable file) through the module's one error mapper.</summary>
    protected ErrorRecord Error(Exception exception, object? target) => ErrorRecords.FromException(exception, target, this);

    /// <summary>What a gRPC cmdlet reports as an error; anything else is a bug and ends the command.</summary>
    protected static bool IsExpected(Exception exception) =>
        exception is IHasTargetFailure or FileNotFoundException or FormatException or ArgumentException or IOException;

    internal static Dictionary<string, object> MetadataValues(IDictionary? metadata) => PowerShellValues.ValueMap(metadata);
}
