using System.Collections;
using System.Management.Automation;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PSNetTools.Infrastructure;

/// <summary>
/// Lets a certificate parameter take what users have at hand: certificates (Get-PfxCertificate, Get-Item Cert:\...,
/// Get-TlsCertificate's Certificate), or paths of PEM (a bundle counts as many) or DER files, relative to the current
/// location. A path that does not exist or does not hold a certificate is a parameter error naming it.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class CertificateTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        ArgumentNullException.ThrowIfNull(engineIntrinsics);
        var result = new List<X509Certificate2>();
        foreach (var item in ArgumentValues.Flatten(inputData))
        {
            switch (item)
            {
                case null:
                    break;
                case X509Certificate2 certificate:
                    result.Add(certificate);
                    break;
                case X509Certificate certificate:
                    result.Add(new X509Certificate2(certificate));
                    break;
                case FileInfo file:
                    result.AddRange(Load(file.FullName));
                    break;
                default:
                    result.AddRange(Load(engineIntrinsics.SessionState.Path.GetUnresolvedProviderPathFromPSPath(item.ToString())));
                    break;
            }
        }
        return result.ToArray();
    }

    private static X509Certificate2Collection Load(string path)
    {
        if (!File.Exists(path)) throw new ArgumentTransformationMetadataException($"'{path}' does not exist.");
        try
        {
            var collection = new X509Certificate2Collection();
            collection.ImportFromPemFile(path);
            if (collection.Count == 0) collection.Add(new X509Certificate2(path));
            return collection;
        }
        catch (CryptographicException ex)
        {
            throw new ArgumentTransformationMetadataException($"'{path}' is not a PEM or DER certificate ({ex.Message.Trim()}).", ex);
        }
    }
}
