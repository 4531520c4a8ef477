using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;

namespace PSNetTools.Infrastructure;

/// <summary>
/// -TrustedCertificate, declared once for every cmdlet that judges a server's certificate: the TLS clients
/// (<see cref="TlsClientCommand"/>) and Get-TlsCertificate, which reports the verdict instead of failing on it.
/// </summary>
public abstract class TlsTrustCommand : AsyncCmdlet
{
    /// <summary>Roots trusted besides the system's: a private or test CA, or a self-signed server's own certificate.</summary>
    [Parameter]
    [Alias("CertificateAuthority", "CaCertificatePath", "CACert")]
    [CertificateTransformation]
    [ValidateNotNull]
    public X509Certificate2[] TrustedCertificate { get; set; } = [];
}
