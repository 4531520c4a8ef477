using System.Management.Automation;
using System.Net;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PSNetTools.Engine.Servers;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Servers;

/// <summary>What every Start-*Server cmdlet does the same way: name checks, certificates, -Wait.</summary>
internal static class ServerCommands
{
    public static void EnsureNameIsFree(PSCmdlet cmdlet, string? name)
    {
        if (name is not null && ServerRegistry.IsNameInUse(name))
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"A server named '{name}' is already running; stop it (Stop-NetServer -Name '{name}') or choose another -Name."),
                "ServerNameInUse", ErrorCategory.ResourceExists, name));
        }
    }

    public static X509Certificate2? LoadCertificate(PSCmdlet cmdlet, string? path, SecureString? password)
    {
        if (path is null) return null;
        var full = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        if (!File.Exists(full))
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(new FileNotFoundException($"Certificate file '{full}' does not exist.", full),
                "CertificateNotFound", ErrorCategory.ObjectNotFound, path));
        }
        try
        {
            var certificate = new X509Certificate2(full, ToPlain(password), X509KeyStorageFlags.Exportable);
            if (!certificate.HasPrivateKey)
            {
                cmdlet.ThrowTerminatingError(new ErrorRecord(new ArgumentException($"'{full}' holds no private key; a server needs a PFX/PKCS#12 file with the key."),
                    "CertificateWithoutKey", ErrorCategory.InvalidData, path));
            }
            return certificate;
        }
        catch (CryptographicException ex)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(new ArgumentException($"Cannot read '{full}' as a PFX file: {ex.Message} (wrong -CertificatePassword?)", ex),
                "CertificateUnreadable", ErrorCategory.InvalidData, path));
            return null;
        }
    }

    /// <summary>-Wait: runs in the foreground until Ctrl+C, then stops the server so its port is free again.</summary>
    public static async Task WaitAsync(NetServer server, PipelineSink sink, CancellationToken cancellationToken)
    {
        sink.WriteVerbose($"{server.Name} is listening on {server.Endpoint}; press Ctrl+C to stop it.");
        try
        {
            await server.Completion.WaitAsync(cancellationToken);
        }
        finally
        {
            await server.StopAsync();
        }
    }

    private static string? ToPlain(SecureString? secure)
    {
        if (secure is null) return null;
        var ptr = Marshal.SecureStringToGlobalAllocUnicode(secure);
        try
        {
            return Marshal.PtrToStringUni(ptr);
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(ptr);
        }
    }
}
