using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using PSNetTools.Http.Hosting;

namespace PSNetTools.WebSockets;

/// <summary>
/// Start-WebSocketEchoServer: sends every text or binary message back, of the same type, behind an optional prefix.
/// The handshake goes through the module's HTTP server (its header limits and timeouts apply) and is checked as RFC
/// 6455 says: a bad key, version or subprotocol list is answered 400 with the reason, never left hanging. Oversized
/// messages, idle clients and clients that vanish without a close handshake end only their own connection.
/// </summary>
public sealed class WebSocketEchoServer : SocketHttpServer
{
    private readonly WebSocketEchoServerOptions _options;
    private readonly byte[] _prefix;
    private readonly ConcurrentDictionary<WebSocket, byte> _sockets = new();

    public WebSocketEchoServer(WebSocketEchoServerOptions options)
        : base("WebSocketEcho", options?.Name, options?.Address ?? System.Net.IPAddress.Loopback, options?.Port ?? 0, options?.Limits)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxMessageBytes < 1) throw new ArgumentException("MaxMessageBytes must be at least 1.");
        if (options.IdleTimeoutSec <= 0) throw new ArgumentException("IdleTimeoutSec must be greater than 0.");
        _options = options;
        _prefix = Encoding.UTF8.GetBytes(options.ResponsePrefix ?? "");
    }

    public string? ResponsePrefix => _options.ResponsePrefix;

    public override string Endpoint => $"ws://{EndpointHost}:{Port}/";

    /// <exception cref="PSNetTools.Servers.ServerStartException">The port is in use or the address is not on this machine.</exception>
    public static async Task<WebSocketEchoServer> StartAsync(WebSocketEchoServerOptions options, CancellationToken cancellationToken = default)
    {
        var server = new WebSocketEchoServer(options);
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    protected override async Task CloseAsync()
    {
        // Stopping is not a conversation: abort, so no client can hold the port open.
        foreach (var socket in _sockets.Keys) socket.Abort();
        await base.CloseAsync().ConfigureAwait(false);
    }

    protected override async Task ServeAsync(HttpServerContext context, CancellationToken stopping)
    {
        var request = context.Request;
        var remote = request.RemoteEndPoint.ToString();
        if (!request.IsWebSocketRequest)
        {
            context.Response.SetHeader("Upgrade", "websocket");
            await AnswerAsync(context, 426, "426 Upgrade Required: this is a WebSocket echo server; connect with ws://.").ConfigureAwait(false);
            return;
        }
        if (!WebSocketHandshake.VersionSupported(request))
        {
            CountClientError();
            Log($"{remote} handshake refused: version '{request.Headers["Sec-WebSocket-Version"]}'");
            context.Response.SetHeader("Sec-WebSocket-Version", "13");
            await AnswerAsync(context, 426, "This server speaks WebSocket version 13 (RFC 6455) only.").ConfigureAwait(false);
            return;
        }
        var offered = WebSocketHandshake.OfferedProtocols(request);
        var problem = WebSocketHandshake.Validate(request)
            ?? (offered is null ? "Sec-WebSocket-Protocol must be a comma-separated list of tokens." : null);
        if (problem is not null)
        {
            CountClientError();
            Log($"{remote} handshake refused: {problem}");
            await AnswerAsync(context, 400, problem).ConfigureAwait(false);
            return;
        }
        // Echo servers speak whatever the client asks for: take its first subprotocol.
        var socket = await context.AcceptWebSocketAsync(offered!.Count > 0 ? offered[0] : null, TimeSpan.FromSeconds(30),
            stream => new Utf8GuardStream(stream, maskOutgoing: false)).ConfigureAwait(false);
        _sockets.TryAdd(socket, 0);
        Log($"{remote} connected");
        try
        {
            await EchoAsync(socket, remote, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException or TimeoutException)
        {
            // Reset, vanished without a close handshake, idle, or the server is stopping: this client is done.
            if (!stopping.IsCancellationRequested)
            {
                CountClientError();
                Log($"{remote} dropped: {ex.Message}");
            }
        }
        finally
        {
            _sockets.TryRemove(socket, out _);
            socket.Dispose();
        }
    }

    private static async Task AnswerAsync(HttpServerContext context, int status, string text)
    {
        var body = Encoding.UTF8.GetBytes(text + "\n");
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength64 = body.Length;
        await context.Response.OutputStream.WriteAsync(body).ConfigureAwait(false);
    }

    private async Task EchoAsync(WebSocket socket, string remote, CancellationToken stopping)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            message.SetLength(0);
            message.Write(_prefix);
            ValueWebSocketReceiveResult result;
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                idle.CancelAfter(TimeSpan.FromSeconds(_options.IdleTimeoutSec));
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(), idle.Token).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await socket.AnswerCloseAsync(stopping).ConfigureAwait(false);
                        Log($"{remote} closed ({socket.CloseStatus?.ToString() ?? "no code"})");
                        return;
                    }
                    CountReceived(result.Count);
                    if (message.Length - _prefix.Length + result.Count > _options.MaxMessageBytes)
                    {
                        Log($"{remote} sent a message over {_options.MaxMessageBytes} bytes; closing with 1009");
                        CountClientError();
                        await socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, $"messages are limited to {_options.MaxMessageBytes} bytes", stopping)
                            .WaitAsync(TimeSpan.FromSeconds(5), stopping).ConfigureAwait(false);
                        return;
                    }
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);
            }
            var echo = message.GetBuffer().AsMemory(0, (int)message.Length);
            await socket.SendAsync(echo, result.MessageType, true, stopping).ConfigureAwait(false);
            CountSent(echo.Length);
        }
    }
}
