using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PSNetTools.Servers;

namespace PSNetTools.Http.Hosting;

/// <summary>
/// The HTTP/1.1 server under Start-HttpFileServer, Start-HttpServer, Start-XmlRpcServer and Start-WebSocketEchoServer.
/// Written on sockets because the managed HttpListener of .NET on Linux and macOS enforces none of the limits a server
/// inside the user's session needs (it read a 100 MB request line into memory and ran out of memory at 20,000 idle
/// connections). Every limit of <see cref="HttpServerLimits"/> is enforced here, in the one accept/read/write path all
/// servers share. Requests on a connection are answered one after another, so pipelined requests come back in order.
/// Nothing a client sends, and no failure of a subclass's ServeAsync, escapes a connection's task.
/// </summary>
public abstract class SocketHttpServer : NetServer
{
    private static readonly byte[] Continue = "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray();
    private static readonly byte[] Busy = Encoding.ASCII.GetBytes(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 40\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
        + "The server has too many open connections");
    private readonly ConcurrentDictionary<HttpConnection, byte> _connections = new();
    private readonly IPAddress _bindAddress;
    private Socket? _listener;
    private long _requests;
    private long _refused;
    private long _refusedLogged;
    private long _lastRefusalLog;
    private int _running;

    /// <param name="maxBodyBytes">The server's own body cap (its options' MaximumBodyBytes), which wins over <paramref name="limits"/>.</param>
    protected SocketHttpServer(string protocol, string? name, IPAddress address, int port, HttpServerLimits? limits, long? maxBodyBytes = null)
        : base(protocol, name)
    {
        ArgumentNullException.ThrowIfNull(address);
        Limits = limits ?? new HttpServerLimits();
        if (maxBodyBytes is { } cap) Limits = Limits with { MaxBodyBytes = cap };
        Limits.Validate();
        _bindAddress = address;
        Address = address.ToString();
        Port = port;
    }

    /// <summary>The limits every connection is held to (a method, so exports of the server object stay flat).</summary>
    public HttpServerLimits GetLimits() => Limits;

    private HttpServerLimits Limits { get; }

    /// <summary>Requests read and handed to the server (refused heads are not counted).</summary>
    public long RequestsServed => Interlocked.Read(ref _requests);

    /// <summary>Connections answered 503 at once: MaxConnections were open, or the servers of the process held all the open-file limit leaves them (DescriptorBudget).</summary>
    public long ConnectionsRefused => Interlocked.Read(ref _refused);

    public override string Endpoint => $"http://{EndpointHost}:{Port}/";

    /// <summary>Answers one request. Exceptions end the connection: BadHttpRequestException with its status, others with 500 (logged).</summary>
    protected abstract Task ServeAsync(HttpServerContext context, CancellationToken stopping);

    protected override Task BindAsync(CancellationToken cancellationToken)
    {
        var socket = Bind(_bindAddress, Port, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Listen(1024);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _listener = socket;
        SetEndpoint((IPEndPoint)socket.LocalEndPoint!);
        return Task.CompletedTask;
    }

    protected override async Task RunAsync(CancellationToken stopping)
    {
        var listener = _listener!;
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Out of file descriptors, or a connection reset while queued: the server goes on.
                if (stopping.IsCancellationRequested) return;
                CountClientError();
                LogThrottled($"accepting a connection failed: {ex.Message}");
                await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
                continue;
            }
            if (Volatile.Read(ref _running) >= Limits.MaxConnections)
            {
                Refuse(client, string.Create(CultureInfo.InvariantCulture, $"{Limits.MaxConnections:N0} are open (the MaxConnections limit)"));
                continue;
            }
            if (!DescriptorBudget.TryTake(out var fileLimit))
            {
                Refuse(client, string.Create(CultureInfo.InvariantCulture,
                    $"the servers of this process hold {DescriptorBudget.Held:N0}, all the open-file limit ({fileLimit:N0}, ulimit -n) leaves them"));
                continue;
            }
            HttpConnection connection;
            try
            {
                client.NoDelay = true;
                connection = new HttpConnection(client, Limits, CountReceived, CountSent);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                DescriptorBudget.Release();
                client.Dispose();
                continue;
            }
            CountAccepted();
            CountActive(1);
            Interlocked.Increment(ref _running);
            _connections.TryAdd(connection, 0);
            _ = RunConnectionAsync(connection, stopping);
        }
    }

    private void Refuse(Socket client, string why)
    {
        Interlocked.Increment(ref _refused);
        try
        {
            client.Blocking = false;
            client.Send(Busy);
            client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        client.Dispose();
        LogThrottled(string.Create(CultureInfo.InvariantCulture,
            $"refusing connections: {why}; {ConnectionsRefused - Interlocked.Read(ref _refusedLogged):N0} refused since the last note"));
    }

    /// <summary>At most one line a second: a flood must not push the requests that matter out of the log.</summary>
    private void LogThrottled(string line)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastRefusalLog);
        if (now - last < 1000 || Interlocked.CompareExchange(ref _lastRefusalLog, now, last) != last) return;
        Interlocked.Exchange(ref _refusedLogged, ConnectionsRefused);
        Log(line);
    }

    private async Task RunConnectionAsync(HttpConnection connection, CancellationToken stopping)
    {
        await Task.Yield();
        try
        {
            await ServeConnectionAsync(connection, stopping).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The last line of defence: whatever broke, only this connection ends.
            CountClientError();
            Log($"{connection.Remote} connection ended by an internal error: {ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            _connections.TryRemove(connection, out _);
            connection.Dispose();
            DescriptorBudget.Release();
            CountActive(-1);
            Interlocked.Decrement(ref _running);
        }
    }

    private async Task ServeConnectionAsync(HttpConnection connection, CancellationToken stopping)
    {
        var wait = Limits.HeaderTimeout;
        while (!stopping.IsCancellationRequested)
        {
            connection.Busy = false;
            if (!await connection.WaitForDataAsync(wait).ConfigureAwait(false)) return;
            connection.Busy = true;
            if (stopping.IsCancellationRequested) return;
            wait = Limits.KeepAliveTimeout;
            HttpRequestHead? head;
            try
            {
                head = await ReadHeadAsync(connection).ConfigureAwait(false);
            }
            catch (BadHttpRequestException ex)
            {
                await RefuseAsync(connection, ex.StatusCode, ex.Message, null).ConfigureAwait(false);
                return;
            }
            catch (TimeoutException)
            {
                await RefuseAsync(connection, 408, $"The request headers did not arrive within {Limits.HeaderTimeout.TotalSeconds:0.###} s.", null).ConfigureAwait(false);
                return;
            }
            catch (ClientGoneException)
            {
                CountClientError();
                return;
            }
            if (head is null) return;
            if (head.ContentLength > Limits.MaxBodyBytes)
            {
                await RefuseAsync(connection, 413, $"The request body is larger than {Limits.MaxBodyBytes:N0} bytes.", head).ConfigureAwait(false);
                return;
            }
            if (!await ServeRequestAsync(connection, head, stopping).ConfigureAwait(false)) return;
        }
    }

    /// <summary>True when the connection may carry the next request.</summary>
    private async Task<bool> ServeRequestAsync(HttpConnection connection, HttpRequestHead head, CancellationToken stopping)
    {
        var started = Stopwatch.GetTimestamp();
        var body = new RequestBodyStream(connection, head, () => connection.SendAsync(Continue));
        var response = new HttpServerResponse(connection, head.Method == "HEAD", head.Version, head.KeepAlive);
        var context = new HttpServerContext(connection, new HttpServerRequest(head, connection.Remote, body), response);
        Interlocked.Increment(ref _requests);
        int? refused = null;
        var outcome = "";
        try
        {
            await ServeAsync(context, stopping).ConfigureAwait(false);
            if (context.Upgraded) return false;
            if (stopping.IsCancellationRequested) response.KeepAlive = false;
            await response.CompleteAsync().ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex)
        {
            if (!response.HeadersSent) refused = await RefuseAsync(connection, ex.StatusCode, ex.Message, head, log: false).ConfigureAwait(false);
            outcome = $" refused: {ex.Message}";
            return false;
        }
        catch (Exception ex) when (ex is ClientGoneException || (ex is OperationCanceledException && stopping.IsCancellationRequested))
        {
            // The client went away, stopped reading, or the server is stopping: nothing to answer.
            if (!stopping.IsCancellationRequested) CountClientError();
            outcome = $" aborted: {ex.Message}";
            return false;
        }
        catch (Exception ex)
        {
            // A bug or an unexpected failure in the server's own code: that request fails, the client learns nothing more.
            Log($"{connection.Remote} \"{head.Method} {Truncate(head.Target)}\": internal error: {ex.GetType().Name}: {ex.Message}");
            if (!response.HeadersSent) refused = await RefuseAsync(connection, 500, "Internal Server Error", head, log: false).ConfigureAwait(false);
            else CountClientError();
            outcome = " failed";
            return false;
        }
        finally
        {
            // One access line per request, written once the answer has left: the bytes are those the client took.
            Log(string.Create(CultureInfo.InvariantCulture,
                $"{connection.Remote.Address} [{DateTime.Now:yyyy-MM-dd HH:mm:ss}] \"{head.Method} {Truncate(head.Target)} HTTP/{head.Version}\" {(context.Upgraded ? 101 : refused ?? response.StatusCode)} {response.BytesSent} {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.0}ms{(context.LogNote is { } note ? " " + note : "")}{outcome}"));
        }
        if (!response.KeepAlive) return false;
        if (body.Complete) return true;
        // An unread body must be skipped before the next request; a large one is not worth it: the answer has left,
        // and a lingering close keeps the client's unread bytes from turning the close into a reset that destroys it.
        try
        {
            if (await body.DrainAsync(64 * 1024).ConfigureAwait(false)) return true;
        }
        catch (Exception ex) when (ex is BadHttpRequestException or ClientGoneException)
        {
            return false;
        }
        await connection.LingeringCloseAsync().ConfigureAwait(false);
        return false;
    }

    private async Task<HttpRequestHead?> ReadHeadAsync(HttpConnection connection)
    {
        var parser = new HttpRequestParser();
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            // Blank lines before a request line are allowed (RFC 9112 section 2.2), e.g. a CRLF after a POST body.
            while (!parser.SawRequestLine && connection.BufferedCount > 0 && connection.Buffered[0] is (byte)'\r' or (byte)'\n') connection.Consume(1);
            if (connection.BufferedCount > 0)
            {
                var end = parser.FindEnd(connection.Buffered, Limits);
                if (end > 0)
                {
                    var head = HttpRequestParser.Parse(connection.Buffered[..end], Limits);
                    connection.Consume(end);
                    return head;
                }
            }
            var left = Limits.HeaderTimeout - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero) throw new TimeoutException();
            if (!await connection.FillAsync(left).ConfigureAwait(false))
            {
                if (connection.BufferedCount == 0 && !parser.SawRequestLine) return null;
                throw new ClientGoneException("The client closed the connection in the middle of a request.");
            }
        }
    }

    /// <summary>
    /// The body of a request the server refuses before ServeAsync answers it (400, 408, 413, 414, 431, 501...): short
    /// text, unless a server whose answers are all of one shape (the route server's JSON errors) gives its own.
    /// </summary>
    protected virtual (byte[] Body, string ContentType) RefusalBody(int status, string message) =>
        (Encoding.UTF8.GetBytes(message + "\n"), "text/plain; charset=utf-8");

    /// <summary>Answers an error with the body of <see cref="RefusalBody"/> and closes; logged like a served request.</summary>
    private async Task<int> RefuseAsync(HttpConnection connection, int status, string message, HttpRequestHead? head, bool log = true)
    {
        CountClientError();
        if (log)
        {
            Log(string.Create(CultureInfo.InvariantCulture,
                $"{connection.Remote.Address} [{DateTime.Now:yyyy-MM-dd HH:mm:ss}] \"{(head is null ? "-" : $"{head.Method} {Truncate(head.Target)}")}\" {status} refused: {message}"));
        }
        try
        {
            var response = new HttpServerResponse(connection, head?.Method == "HEAD", head?.Version ?? new Version(1, 1), keepAlive: false);
            response.StatusCode = status;
            var (bytes, type) = RefusalBody(status, message);
            response.ContentType = type;
            response.ContentLength64 = bytes.Length;
            await response.WriteAsync(bytes).ConfigureAwait(false);
            await response.CompleteAsync().ConfigureAwait(false);
        }
        catch (ClientGoneException)
        {
            return status;
        }
        await connection.LingeringCloseAsync().ConfigureAwait(false);
        return status;
    }

    private static string Truncate(string target) => target.Length <= 200 ? target : target[..200] + "...";

    protected override async Task CloseAsync()
    {
        try
        {
            _listener?.Dispose();
        }
        catch (SocketException)
        {
        }
        // Idle keep-alive connections go at once; requests in flight get a moment to finish, then are cut.
        foreach (var connection in _connections.Keys)
        {
            if (!connection.Busy) connection.Abort();
        }
        var grace = Stopwatch.StartNew();
        while (Volatile.Read(ref _running) > 0 && grace.Elapsed < TimeSpan.FromSeconds(2)) await Task.Delay(20, CancellationToken.None).ConfigureAwait(false);
        foreach (var connection in _connections.Keys) connection.Abort();
        while (Volatile.Read(ref _running) > 0 && grace.Elapsed < TimeSpan.FromSeconds(7)) await Task.Delay(20, CancellationToken.None).ConfigureAwait(false);
    }
}
