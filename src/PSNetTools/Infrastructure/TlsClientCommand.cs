using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using PSNetTools.Net;

namespace PSNetTools.Infrastructure;

/// <summary>
/// The TLS trust parameters every TLS client cmdlet shares (-SkipCertificateCheck, -TrustedCertificate,
/// -ClientCertificate), made into the engine's one <see cref="TlsTrust"/> record.
/// </summary>
public abstract class TlsClientCommand : TlsTrustCommand
{
    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    /// <summary>Sent when the server asks for one (mutual TLS).</summary>
    [Parameter]
    [Alias("Certificate")]
    [ValidateNotNull]
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>The trust the parameters describe; a client certificate without its key stops the command before any connection.</summary>
    protected TlsTrust Trust() => TrustFor(this);

    /// <summary>
    /// <see cref="Trust"/> for parameters bound as another cmdlet's dynamic parameters (Commands/Transport/TcpTlsParameters):
    /// the holder is not running, so the error stops <paramref name="owner"/>, the cmdlet that is.
    /// </summary>
    internal TlsTrust TrustFor(Cmdlet owner)
    {
        if (ClientCertificate is { HasPrivateKey: false } certificate)
        {
            owner.ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"The client certificate {certificate.Subject} has no private key."),
                "ClientCertificateWithoutKey", ErrorCategory.InvalidArgument, certificate)
            {
                ErrorDetails = new ErrorDetails($"The client certificate {certificate.Subject} has no private key.")
                {
                    RecommendedAction = "Load it with its key: Get-PfxCertificate ./client.pfx, or [System.Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPemFile('client.crt', 'client.key').",
                },
            });
        }
        return new TlsTrust { SkipCertificateCheck = SkipCertificateCheck, TrustedCertificates = TrustedCertificate, ClientCertificate = ClientCertificate };
    }
}
