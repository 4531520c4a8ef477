using System.Diagnostics.CodeAnalysis;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace PSNetTools.Net;

public static class CertificateChecks
{
    /// <summary>Accepts any certificate: for when the user asked, by name, to talk to a server whose certificate cannot be verified (TlsTrust.SkipCertificateCheck).</summary>
    [SuppressMessage("Security", "CA5359", Justification = "Only used when the user asks to skip the check, by name.")]
    public static bool AcceptAny(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) => true;
}
