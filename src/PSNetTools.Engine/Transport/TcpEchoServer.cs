using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PSNetTools.Servers;

namespace PSNetTools.Transport;

/// <summary>Echoes every client's bytes back (optionally behind a prefix, optionally over TLS), many clients at once.</summary>
public sealed class TcpEchoServer : NetServer
{
    private const int BufferSize = 16 * 1024;
    private readonly TcpEchoServerOptions _options;
    private readonly byte[] _prefix;
    private readonly SslStreamCertificateContext? _tls;
    private readonly ConcurrentDictionary<Socket, Task> _clients = new();
    private Socket? _listener;
    private Task? _acceptLoop;

    public TcpEchoServer(TcpEchoServerOptions options)
        : base(options?.Certificate is null ? "TcpEcho" : "TlsEcho", options?.Name)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _prefix = Encoding.UTF8.GetBytes(options.ResponsePrefix ?? "");
        // Built once: the context holds the chain every handshake sends. Offline, because a server started in a user's
        // session must not reach out to fetch intermediates or OCSP answers; the chain comes with the certificate.
        if (options.Certificate is { } certificate)
        {
            _tls = SslStreamCertificateContext.Create(certificate, new X509Certificate2Collection(options.CertificateChain.ToArray()), offline: true);
        }
        Address = options.Address.ToString();
        Port = options.Port;
    }

    public string? ResponsePrefix => _options.ResponsePrefix;

    public bool UsesTls => _options.Certificate is not null;

    public double IdleTimeoutSec => _options.IdleTimeout.TotalSeconds;

    /// <exception cref="ServerStartException">The port is in use or the address is not on this machine.</exception>
    public static async Task<TcpEchoServer> StartAsync(TcpEchoServerOptions options, CancellationToken cancellationToken = default)
    {
        var server = new TcpEchoServer(options);
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    protected override Task BindAsync(CancellationToken cancellationToken)
    {
        var listener = Bind(_options.Address, _options.Port, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Listen(_options.Backlog);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        _listener = listener;
        SetEndpoint((IPEndPoint)listener.LocalEndPoint!);
        return Task.CompletedTask;
    }

    protected override async Task RunAsync(CancellationToken stopping)
    {
        _acceptLoop = AcceptLoopAsync(stopping);
        await _acceptLoop.ConfigureAwait(false);
    }

    private async Task AcceptLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener!.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset or SocketError.TooManyOpenSockets)
            {
                // A client that vanished between SYN and accept, or a moment without descriptors: keep serving.
                CountClientError();
                if (ex.SocketErrorCode == SocketError.TooManyOpenSockets) await Task.Delay(50, stopping).ConfigureAwait(false);
                continue;
            }
            CountAccepted();
            // Past its own cap, or past what the process's open-file limit leaves the servers (DescriptorBudget: a process
            // out of descriptors cannot start threads and aborts), a client is closed at once.
            if (_clients.Count >= _options.MaxConnections || !DescriptorBudget.TryTake(out _))
            {
                CountClientError();
                client.Dispose();
                continue;
            }
            client.NoDelay = true;
            // Every client gets its own task at once: awaiting one before accepting the next would stall the rest.
            // The placeholder goes in first so a session that ends at once still finds its entry to remove.
            _clients[client] = Task.CompletedTask;
            _clients.TryUpdate(client, ServeAsync(client, stopping), Task.CompletedTask);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken stopping)
    {
        await Task.Yield();
        CountActive(1);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize + _prefix.Length);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        Stream? stream = null;
        try
        {
            stream = new NetworkStream(client, ownsSocket: false);
            if (_tls is { } tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                idle.CancelAfter(TimeSpan.FromSeconds(Math.Min(10, _options.IdleTimeout.TotalSeconds)));
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = tls }, idle.Token).ConfigureAwait(false);
            }
            // The prefix sits in front of the data in one buffer so each answer leaves in one send.
            _prefix.CopyTo(buffer, 0);
            while (true)
            {
                idle.CancelAfter(_options.IdleTimeout);
                var read = await stream.ReadAsync(buffer.AsMemory(_prefix.Length, BufferSize), idle.Token).ConfigureAwait(false);
                if (read == 0) break;
                CountReceived(read);
                var total = _prefix.Length + read;
                await stream.WriteAsync(buffer.AsMemory(0, total), idle.Token).ConfigureAwait(false);
                CountSent(total);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException
                                       or System.Security.Authentication.AuthenticationException)
        {
            // Idle, reset, garbage in the TLS handshake or shutdown: this client is done, the server goes on.
            if (!stopping.IsCancellationRequested) CountClientError();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
            client.Dispose();
            DescriptorBudget.Release();
            CountActive(-1);
            _clients.TryRemove(client, out _);
        }
    }

    protected override async Task CloseAsync()
    {
        // Closing the listener first frees the port at once for a new server.
        _listener?.Dispose();
        foreach (var client in _clients.Keys)
        {
            try
            {
                client.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
            client.Dispose();
        }
        try
        {
            await Task.WhenAll(_clients.Values).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }
}
