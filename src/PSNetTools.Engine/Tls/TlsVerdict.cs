using System.Security.Cryptography.X509Certificates;

namespace PSNetTools.Tls;

/// <summary>
/// The one answer a default client gives about a certificate, in the order openssl (and so Python's ssl) checks: the
/// chain first, then the validity dates, then the name. The codes are openssl's X509_V_ERR values, 62 its hostname
/// mismatch.
/// </summary>
internal static class TlsVerdict
{
    public static (string Verdict, int Code) Of(X509Certificate2 leaf, IReadOnlyList<X509Certificate2> chain,
        IReadOnlyList<X509ChainStatusFlags> flags, bool trusted, DateTime utcNow, bool nameMatches)
    {
        if (!trusted)
        {
            if (flags.Contains(X509ChainStatusFlags.NotSignatureValid)) return ("InvalidSignature", 7);
            var selfSigned = leaf.SubjectName.RawData.AsSpan().SequenceEqual(leaf.IssuerName.RawData);
            if (selfSigned) return ("SelfSigned", 18);
            // The chain ends in a self-signed root nobody trusts (sent, or found) versus an issuer never found at all.
            var last = chain.Count > 0 ? chain[^1] : leaf;
            var endsInRoot = last.SubjectName.RawData.AsSpan().SequenceEqual(last.IssuerName.RawData);
            return endsInRoot && !flags.Contains(X509ChainStatusFlags.PartialChain) ? ("UntrustedRoot", 19) : ("UnknownIssuer", 20);
        }
        if (leaf.NotAfter.ToUniversalTime() < utcNow) return ("Expired", 10);
        if (leaf.NotBefore.ToUniversalTime() > utcNow) return ("NotYetValid", 9);
        if (flags.Contains(X509ChainStatusFlags.NotTimeValid)) return ("Expired", 10);
        return nameMatches ? ("OK", 0) : ("NameMismatch", 62);
    }
}
