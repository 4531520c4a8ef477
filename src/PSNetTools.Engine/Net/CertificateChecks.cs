using System.Diagnostics.CodeAnalysis;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace PSNetTools.Net;

public static class CertificateChecks
{
    /// <summary>-SkipCertificateCheck: the user asked, by name, to talk to a server whose certificate we cannot verify.</summary>
    [SuppressMessage("Security", "CA5359", Justification = "Only used when the user passes -SkipCertificateCheck.")]
    public static bool AcceptAny(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) => true;
}
