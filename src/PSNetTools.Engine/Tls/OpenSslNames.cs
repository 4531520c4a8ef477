using System.Security.Cryptography.X509Certificates;

namespace PSNetTools.Tls;

/// <summary>
/// A distinguished name as openssl prints it (-nameopt oneline without spaces around '='): in the certificate's own
/// order, C first, with openssl's short names (ST, not .NET's S). .NET's X500DistinguishedName.Name reverses the order.
/// </summary>
internal static class OpenSslNames
{
    private static readonly Dictionary<string, string> ShortNames = new(StringComparer.Ordinal)
    {
        ["2.5.4.3"] = "CN",
        ["2.5.4.4"] = "SN",
        ["2.5.4.5"] = "serialNumber",
        ["2.5.4.6"] = "C",
        ["2.5.4.7"] = "L",
        ["2.5.4.8"] = "ST",
        ["2.5.4.9"] = "street",
        ["2.5.4.10"] = "O",
        ["2.5.4.11"] = "OU",
        ["2.5.4.12"] = "title",
        ["2.5.4.17"] = "postalCode",
        ["2.5.4.42"] = "GN",
        ["1.2.840.113549.1.9.1"] = "emailAddress",
        ["0.9.2342.19200300.100.1.25"] = "DC",
        ["0.9.2342.19200300.100.1.1"] = "UID",
    };

    public static string Format(X500DistinguishedName name)
    {
        var parts = new List<string>();
        // EnumerateRelativeDistinguishedNames walks from the last RDN, as .NET's Name prints; openssl from the first.
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames(reversed: false))
        {
            // A multi-valued RDN (rare: CN+UID) has no single type to name: .NET's rendering of the whole name then.
            if (rdn.HasMultipleElements) return name.Name;
            var oid = rdn.GetSingleElementType().Value ?? "";
            parts.Add($"{(ShortNames.TryGetValue(oid, out var s) ? s : oid)}={rdn.GetSingleElementValue()}");
        }
        return string.Join(", ", parts);
    }
}
