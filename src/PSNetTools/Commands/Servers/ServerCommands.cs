using System.Management.Automation;
using System.Net;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PSNetTools.Servers;
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

    /// <summary>
    /// The server certificate of -CertificatePath with the rest of its chain: a PFX/PKCS#12 file (the certificate with the
    /// key is the leaf, the others its intermediates), or a PEM file with the leaf first, then its intermediates, then the
    /// key (as nginx and HAProxy take it). The chain matters: a server that sends only its leaf fails every client that
    /// trusts just the root, since clients do not fetch missing intermediates.
    /// </summary>
    public static (X509Certificate2 Leaf, IReadOnlyList<X509Certificate2> Chain)? LoadCertificate(PSCmdlet cmdlet, string? path, SecureString? password)
    {
        if (path is null) return null;
        var full = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        if (!File.Exists(full))
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(new FileNotFoundException($"Certificate file '{full}' does not exist.", full),
                "CertificateNotFound", ErrorCategory.ObjectNotFound, path));
        }
        var pem = IsPem(full);
        try
        {
            var all = new X509Certificate2Collection();
            X509Certificate2? leaf;
            if (pem)
            {
                all.ImportFromPemFile(full);
                leaf = HasPemKey(full) ? LoadPemWithKey(full, ToPlain(password)) : null;
            }
            else
            {
                all.Import(full, ToPlain(password), X509KeyStorageFlags.Exportable);
                leaf = all.FirstOrDefault(c => c.HasPrivateKey);
            }
            if (leaf is null)
            {
                cmdlet.ThrowTerminatingError(new ErrorRecord(new ArgumentException(pem
                        ? $"'{full}' holds no private key; a server needs a PEM file with the certificate, its intermediates and the key, or a PFX/PKCS#12 file."
                        : $"'{full}' holds no private key; a server needs a PFX/PKCS#12 file with the key."),
                    "CertificateWithoutKey", ErrorCategory.InvalidData, path));
                return null;
            }
            return (leaf, [.. all.Where(c => c.Thumbprint != leaf.Thumbprint)]);
        }
        catch (CryptographicException ex)
        {
            var what = pem ? "a PEM file with a certificate and its key" : "a PFX file";
            cmdlet.ThrowTerminatingError(new ErrorRecord(new ArgumentException($"Cannot read '{full}' as {what}: {ex.Message} (wrong -CertificatePassword?)", ex),
                "CertificateUnreadable", ErrorCategory.InvalidData, path));
            return null;
        }
    }

    private static bool IsPem(string path)
    {
        using var reader = new StreamReader(path);
        var start = new char[4096];
        var read = reader.ReadBlock(start, 0, start.Length);
        return new string(start, 0, read).Contains("-----BEGIN ", StringComparison.Ordinal);
    }

    private static bool HasPemKey(string path) => File.ReadAllText(path).Contains("PRIVATE KEY-----", StringComparison.Ordinal);

    private static X509Certificate2 LoadPemWithKey(string path, string? password)
    {
        // The first CERTIFICATE in the file, with the key from the same file: the leaf comes first.
        using var loaded = password is null ? X509Certificate2.CreateFromPemFile(path) : X509Certificate2.CreateFromEncryptedPemFile(path, password);
        // A PEM key is ephemeral, which Windows' TLS (SChannel) refuses for a server; a PKCS#12 round trip gives it a stored key.
        return new X509Certificate2(loaded.Export(X509ContentType.Pkcs12), (string?)null, X509KeyStorageFlags.Exportable);
    }

    /// <summary>-Wait: runs in the foreground until Ctrl+C, then stops the server so its port is free again.</summary>
    public static async Task WaitAsync(NetServer server, PipelineSink sink, CancellationToken cancellationToken)
    {
        sink.WriteVerbose($"{server.Name} is listening on {server.Endpoint}; press Ctrl+C to stop it.");
        try
        {
            await server.WhenStopped().WaitAsync(cancellationToken);
        }
        finally
        {
            await server.StopAsync();
        }
    }

    /// <summary>-Wait with the server's log as verbose output, including what it logged before -Wait attached.</summary>
    public static async Task WaitWithLogAsync(NetServer server, PipelineSink sink, CancellationToken cancellationToken)
    {
        server.AttachLog(sink.WriteVerbose);
        try
        {
            await WaitAsync(server, sink, cancellationToken);
        }
        finally
        {
            server.DetachLog(sink.WriteVerbose);
        }
    }

    /// <summary>
    /// Starts a server and writes it; with -Wait stays until Ctrl+C, streaming the server's log as verbose output.
    /// <paramref name="ownedUntilStopped"/> (e.g. the runspace pool of scriptblock handlers) is disposed when the server stops.
    /// </summary>
    public static async Task StartAsync<TServer>(Func<Task<TServer>> start, PipelineSink sink, bool wait, CancellationToken cancellationToken, IDisposable? ownedUntilStopped = null)
        where TServer : NetServer
    {
        TServer server;
        try
        {
            server = await start();
        }
        catch
        {
            ownedUntilStopped?.Dispose();
            throw;
        }
        if (ownedUntilStopped is not null) _ = server.WhenStopped().ContinueWith(_ => ownedUntilStopped.Dispose(), TaskScheduler.Default);
        sink.WriteObject(server);
        if (!wait) return;
        await WaitWithLogAsync(server, sink, cancellationToken);
    }

    /// <summary>The pool that runs scriptblock handlers: this module loaded, up to <paramref name="throttleLimit"/> at once.</summary>
    /// <param name="warmUp">Builds a pipeline of what every request runs besides its handler (the answer's conversion),
    /// run once in each runspace as it opens; null: an empty pipeline.</param>
    public static System.Management.Automation.Runspaces.RunspacePool CreateHandlerPool(PSCmdlet cmdlet, System.Management.Automation.Runspaces.InitialSessionState state, int throttleLimit,
        Action<PowerShell>? warmUp = null)
    {
        if (cmdlet.MyInvocation.MyCommand.Module?.Path is { } modulePath) state.ImportPSModule([Path.ChangeExtension(modulePath, ".psd1")]);
        var pool = System.Management.Automation.Runspaces.RunspaceFactory.CreateRunspacePool(state);
        pool.SetMinRunspaces(1);
        pool.SetMaxRunspaces(throttleLimit);
        pool.Open();
        Warm(pool, throttleLimit, warmUp ?? (ps => ps.AddScript("$null")));
        return pool;
    }

    /// <summary>
    /// Opens the pool's other runspaces in the background, so the server returns at once and its first requests do not
    /// pay for them. A runspace opened on demand imports the module and costs about 200 ms: the first requests to a
    /// new server took 200-500 ms where later ones take a few (Test-HttpEndpoint -Count 5 on a fresh server: P50 203 ms).
    /// No handler is called before a request calls it: only what surrounds one runs (the JSON conversion of a route).
    /// </summary>
    private static void Warm(System.Management.Automation.Runspaces.RunspacePool pool, int count, Action<PowerShell> warmUp)
    {
        for (var i = 0; i < count; i++)
        {
            _ = Task.Run(() =>
            {
                try
                {
                    using var ps = PowerShell.Create();
                    ps.RunspacePool = pool;
                    warmUp(ps);
                    ps.Invoke();
                }
                catch (Exception ex) when (ex is System.Management.Automation.Runspaces.InvalidRunspacePoolStateException or ObjectDisposedException or PSInvalidOperationException or RuntimeException)
                {
                    // The server was stopped while warming up: nothing to warm any more.
                }
            });
        }
    }

    /// <summary>
    /// Runs a handler function in the pool with <paramref name="arguments"/>; stops it when <paramref name="cancellationToken"/>
    /// fires (timeout or server stop: a hung scriptblock must not hold a runspace for ever) and then throws
    /// OperationCanceledException. A throw, or any error record the handler wrote, is a <see cref="HandlerFailedException"/>
    /// with the first error's message: an error the handler swallowed into its error stream still fails the call.
    /// </summary>
    /// <param name="keepNulls">XML-RPC answers $null as nil (an array may hold one), an HTTP route as the JSON null.</param>
    /// <param name="then">Commands the handler's output is piped into, in the same pipeline.</param>
    public static async Task<List<PSObject>> InvokeHandlerAsync(System.Management.Automation.Runspaces.RunspacePool pool, string function,
        IEnumerable<object?> arguments, CancellationToken cancellationToken, bool keepNulls = false, Action<PowerShell>? then = null)
    {
        using var ps = PowerShell.Create();
        ps.RunspacePool = pool;
        ps.AddCommand(function);
        foreach (var a in arguments) ps.AddArgument(a);
        then?.Invoke(ps);
        await using var stop = cancellationToken.Register(() => StopQuietly(ps));
        PSDataCollection<PSObject> output;
        try
        {
            output = await Task.Factory.FromAsync(ps.BeginInvoke(), ps.EndInvoke).ConfigureAwait(false);
        }
        catch (RuntimeException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HandlerFailedException(ex.ErrorRecord?.Exception?.Message ?? ex.Message, ex);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested)
        {
            // The pipeline was stopped because the token fired: that is a cancellation, not the handler's failure.
            throw new OperationCanceledException("the handler was stopped.", ex, cancellationToken);
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (ps.Streams.Error.Count > 0)
        {
            var first = ps.Streams.Error[0];
            throw new HandlerFailedException(first.ErrorDetails?.Message is { Length: > 0 } details ? details : first.Exception?.Message ?? first.ToString());
        }
        return [.. output.Where(o => keepNulls || o is not null)];
    }

    // Runs on whatever thread cancels the token (a timer for a timeout): nothing may escape it, or the process dies.
    private static void StopQuietly(PowerShell ps)
    {
        try
        {
            ps.BeginStop(null, null);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            // Already finished or disposed: nothing left to stop.
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
