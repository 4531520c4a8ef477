using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PSNetTools.Servers;

/// <summary>
/// A listener running inside the PowerShell process. Every Start-*Server cmdlet returns one; it is also the
/// row Get-NetServer shows, so its scalar properties come first and stay flat for Export-Csv and remoting.
/// </summary>
public abstract class NetServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _accepted;
    private long _active;
    private long _bytesIn;
    private long _bytesOut;
    private long _errors;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log = new();
    private readonly object _logGate = new();
    private const int LogLines = 1000;

    protected NetServer(string protocol, string? name)
    {
        Protocol = protocol;
        Id = ServerRegistry.NextId();
        Name = string.IsNullOrWhiteSpace(name) ? string.Create(CultureInfo.InvariantCulture, $"{protocol}-{Id}") : name;
    }

    public int Id { get; }

    public string Name { get; }

    /// <summary>What the server speaks, e.g. TcpEcho, UdpEcho, Http.</summary>
    public string Protocol { get; }

    public string Address { get; protected set; } = "";

    public int Port { get; protected set; }

    /// <summary>host:port, with IPv6 hosts in brackets; for HTTP servers the base URL.</summary>
    public virtual string Endpoint => $"{EndpointHost}:{Port}";

    /// <summary>
    /// The host part of the Endpoint (IPv6 in brackets), as a client on this machine connects to it: a server bound to every interface (0.0.0.0 or ::) is
    /// reached at loopback, so the Endpoint is a URL that works rather than "http://0.0.0.0:8000/".
    /// </summary>
    protected string EndpointHost => Address switch
    {
        "0.0.0.0" => "127.0.0.1",
        "::" => "[::1]",
        _ when Address.Contains(':', StringComparison.Ordinal) => $"[{Address}]",
        _ => Address,
    };

    /// <summary>Starting, Running, Stopping, Stopped or Failed: a ServerState name, held as text so that ConvertTo-Json writes the word, not a number.</summary>
    public string State => _state.ToString();

    private volatile ServerState _state = ServerState.Starting;

    public DateTime StartTime { get; private set; }

    public long ConnectionsAccepted => Interlocked.Read(ref _accepted);

    public long ActiveConnections => Interlocked.Read(ref _active);

    public long BytesReceived => Interlocked.Read(ref _bytesIn);

    public long BytesSent => Interlocked.Read(ref _bytesOut);

    /// <summary>Client sessions that ended in an error (garbage, resets, idle timeouts); the server itself goes on.</summary>
    public long ClientErrors => Interlocked.Read(ref _errors);

    /// <summary>Why the server stopped, when it failed.</summary>
    public string? LastError { get; private set; }

    /// <summary>Completes when the server has stopped (what a caller that waits in the foreground awaits).</summary>
    /// <remarks>A method, not a property: a Task property put "System.Threading.Tasks.Task" in every Export-Csv column
    /// and a serialized Task in ConvertTo-Json.</remarks>
    public Task WhenStopped() => _stopped.Task;

    /// <summary>Cancelled when Stop is called; every connection loop watches it.</summary>
    protected CancellationToken StoppingToken => _stopping.Token;

    /// <summary>Binds and starts accepting; throws a clear error (naming the port) when the port is taken.</summary>
    /// <exception cref="ServerStartException">The port is in use (inner: AddressAlreadyInUse) or the address is not on this machine.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await BindAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            _state = ServerState.Failed;
            _stopped.TrySetResult();
            throw new ServerStartException(
                $"Port {Port} on {Address} is already in use.", ex);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressNotAvailable)
        {
            _state = ServerState.Failed;
            _stopped.TrySetResult();
            throw new ServerStartException($"Address {Address} is not an address of this machine; use 127.0.0.1, ::1, 0.0.0.0 or a local interface address.", ex);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AccessDenied)
        {
            _state = ServerState.Failed;
            _stopped.TrySetResult();
            throw new ServerStartException($"Binding {Address}:{Port} was refused by the operating system; ports below 1024 need root or CAP_NET_BIND_SERVICE.", ex);
        }
        StartTime = DateTime.Now;
        _state = ServerState.Running;
        ServerRegistry.Add(this);
        _ = RunGuardedAsync();
    }

    private async Task RunGuardedAsync()
    {
        try
        {
            await RunAsync(StoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!StoppingToken.IsCancellationRequested)
        {
            LastError = ex.Message;
            _state = ServerState.Failed;
        }
        finally
        {
            await StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops accepting, closes every connection and frees the port before returning.</summary>
    public async Task StopAsync()
    {
        if (_state is ServerState.Stopped or ServerState.Stopping)
        {
            await WhenStopped().ConfigureAwait(false);
            return;
        }
        if (_state != ServerState.Failed) _state = ServerState.Stopping;
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await CloseAsync().ConfigureAwait(false);
        }
        finally
        {
            if (_state != ServerState.Failed) _state = ServerState.Stopped;
            ServerRegistry.Remove(this);
            _stopped.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Opens the listening socket; sets <see cref="Address"/> and <see cref="Port"/> to what was bound.</summary>
    protected abstract Task BindAsync(CancellationToken cancellationToken);

    /// <summary>The accept/receive loop; returns when <paramref name="stopping"/> is cancelled.</summary>
    protected abstract Task RunAsync(CancellationToken stopping);

    /// <summary>Closes the listener and all client connections; must release the port before it returns.</summary>
    protected abstract Task CloseAsync();

    /// <summary>A socket bound to <paramref name="address"/>:<paramref name="port"/> (:: also takes IPv4), disposed again if binding fails.</summary>
    protected static Socket Bind(IPAddress address, int port, SocketType type, ProtocolType protocol, Action<Socket>? beforeBind = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        var socket = new Socket(address.AddressFamily, type, protocol);
        try
        {
            if (address.Equals(IPAddress.IPv6Any)) socket.DualMode = true;
            beforeBind?.Invoke(socket);
            socket.Bind(new IPEndPoint(address, port));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    protected void SetEndpoint(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Address = endpoint.Address.ToString();
        Port = endpoint.Port;
    }

    /// <summary>The server's recent events (for HTTP servers, the access log), newest last, at most 1,000 lines.</summary>
    public IReadOnlyList<string> GetLog() => [.. _log];

    // Listeners of new log lines (a caller streaming the log); only AttachLog adds them, so none misses a line.
    private Action<string>? _logged;

    /// <summary>
    /// Hands <paramref name="listener"/> every line logged so far, then every new one, none lost or twice: a request
    /// served while a listener attaches is either in the replay or in the live lines. The listener must not block.
    /// </summary>
    public void AttachLog(Action<string> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_logGate)
        {
            foreach (var line in _log) listener(line);
            _logged += listener;
        }
    }

    public void DetachLog(Action<string> listener)
    {
        lock (_logGate) _logged -= listener;
    }

    protected void Log(string line)
    {
        lock (_logGate)
        {
            _log.Enqueue(line);
            while (_log.Count > LogLines) _log.TryDequeue(out _);
            _logged?.Invoke(line);
        }
    }

    protected void CountAccepted() => Interlocked.Increment(ref _accepted);

    protected void CountActive(int delta) => Interlocked.Add(ref _active, delta);

    protected void CountReceived(long bytes) => Interlocked.Add(ref _bytesIn, bytes);

    protected void CountSent(long bytes) => Interlocked.Add(ref _bytesOut, bytes);

    protected void CountClientError() => Interlocked.Increment(ref _errors);

    public override string ToString() => $"{Name} ({Protocol} {Endpoint}, {State})";
}
