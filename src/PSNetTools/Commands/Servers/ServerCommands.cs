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
    public static System.Management.Automation.Runspaces.RunspacePool CreateHandlerPool(PSCmdlet cmdlet, System.Management.Automation.Runspaces.InitialSessionState state, int throttleLimit)
    {
        if (cmdlet.MyInvocation.MyCommand.Module?.Path is { } modulePath) state.ImportPSModule([Path.ChangeExtension(modulePath, ".psd1")]);
        var pool = System.Management.Automation.Runspaces.RunspaceFactory.CreateRunspacePool(state);
        pool.SetMinRunspaces(1);
        pool.SetMaxRunspaces(throttleLimit);
        pool.Open();
        return pool;
    }

    /// <summary>
    /// Runs a handler function in the pool with <paramref name="arguments"/>; stops it when <paramref name="cancellationToken"/>
    /// fires (timeout or server stop: a hung scriptblock must not hold a runspace for ever) and then throws
    /// OperationCanceledException. A throw, or any error record the handler wrote, is a <see cref="HandlerFailedException"/>
    /// with the first error's message: an error the handler swallowed into its error stream still fails the call.
    /// </summary>
    /// <param name="keepNulls">XML-RPC answers $null as nil (an array may hold one), an HTTP route as the JSON null.</param>
    public static async Task<List<PSObject>> InvokeHandlerAsync(System.Management.Automation.Runspaces.RunspacePool pool, string function,
        IEnumerable<object?> arguments, CancellationToken cancellationToken, bool keepNulls = false)
    {
        using var ps = PowerShell.Create();
        ps.RunspacePool = pool;
        ps.AddCommand(function);
        foreach (var a in arguments) ps.AddArgument(a);
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
