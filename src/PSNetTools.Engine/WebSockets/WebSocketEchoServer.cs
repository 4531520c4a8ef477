using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using PSNetTools.Engine.Http;
using PSNetTools.Engine.Servers;

namespace PSNetTools.Engine.WebSockets;

/// <summary>
/// Start-WebSocketEchoServer: sends every text or binary message back, of the same type, behind an optional prefix.
/// On HttpListener (AcceptWebSocketAsync); each connection runs on its own task. Oversized messages, idle clients and
/// clients that vanish without a close handshake end only their own connection.
/// </summary>
public sealed class WebSocketEchoServer : NetServer
{
    private readonly WebSocketEchoServerOptions _options;
    private readonly byte[] _prefix;
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private readonly ConcurrentDictionary<WebSocket, byte> _sockets = new();
    private HttpListener? _listener;

    public WebSocketEchoServer(WebSocketEchoServerOptions options)
        : base("WebSocketEcho", options?.Name)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxMessageBytes < 1) throw new ArgumentException("MaxMessageBytes must be at least 1.");
        if (options.IdleTimeoutSec <= 0) throw new ArgumentException("IdleTimeoutSec must be greater than 0.");
        _options = options;
        _prefix = Encoding.UTF8.GetBytes(options.ResponsePrefix ?? "");
        Address = options.Address.ToString();
        Port = options.Port;
    }

    public string? ResponsePrefix => _options.ResponsePrefix;

    public override string Endpoint => $"ws://{(Address.Contains(':', StringComparison.Ordinal) ? $"[{Address}]" : Address)}:{Port}/";

    public static async Task<WebSocketEchoServer> StartAsync(WebSocketEchoServerOptions options, CancellationToken cancellationToken = default)
    {
        var server = new WebSocketEchoServer(options);
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    protected override Task BindAsync(CancellationToken cancellationToken)
    {
        (_listener, Port) = HttpListenerBinding.Start(_options.Address, _options.Port);
        return Task.CompletedTask;
    }

    protected override async Task RunAsync(CancellationToken stopping)
    {
        var listener = _listener!;
        while (!stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                if (stopping.IsCancellationRequested) return;
                CountClientError();
                continue;
            }
            var task = ServeAsync(context, stopping);
            _connections.TryAdd(task, 0);
            _ = task.ContinueWith(t => _connections.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    protected override async Task CloseAsync()
    {
        HttpListenerBinding.Release(_listener);
        // Stopping is not a conversation: abort, so no client can hold the port open.
        foreach (var socket in _sockets.Keys) socket.Abort();
        try
        {
            await Task.WhenAll(_connections.Keys).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    private async Task ServeAsync(HttpListenerContext context, CancellationToken stopping)
    {
        await Task.Yield();
        if (!context.Request.IsWebSocketRequest)
        {
            try
            {
                var body = "426 Upgrade Required: this is a WebSocket echo server; connect with ws://.\n"u8.ToArray();
                context.Response.StatusCode = 426;
                context.Response.Headers["Upgrade"] = "websocket";
                context.Response.ContentType = "text/plain";
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body, stopping).ConfigureAwait(false);
                context.Response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
            }
            return;
        }
        WebSocket socket;
        try
        {
            // Echo servers speak whatever the client asks for: take its first subprotocol.
            var requested = context.Request.Headers["Sec-WebSocket-Protocol"]?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var accepted = await context.AcceptWebSocketAsync(requested is { Length: > 0 } ? requested[0] : null, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            socket = accepted.WebSocket;
        }
        catch (Exception ex) when (ex is WebSocketException or HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            CountClientError();
            return;
        }
        CountAccepted();
        CountActive(1);
        _sockets.TryAdd(socket, 0);
        var remote = context.Request.RemoteEndPoint?.ToString() ?? "?";
        Log($"{remote} connected");
        try
        {
            await EchoAsync(socket, remote, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException or HttpListenerException or TimeoutException)
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
            CountActive(-1);
        }
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
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", stopping).ConfigureAwait(false);
                        Log($"{remote} closed ({socket.CloseStatus})");
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
