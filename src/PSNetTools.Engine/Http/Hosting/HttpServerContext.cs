using System.Net.WebSockets;

namespace PSNetTools.Http.Hosting;

/// <summary>One request and its response, handed to a server's ServeAsync.</summary>
public sealed class HttpServerContext
{
    private readonly HttpConnection _connection;

    internal HttpServerContext(HttpConnection connection, HttpServerRequest request, HttpServerResponse response)
    {
        _connection = connection;
        Request = request;
        Response = response;
    }

    public HttpServerRequest Request { get; }

    public HttpServerResponse Response { get; }

    /// <summary>Added to the request's access-log line (e.g. the XML-RPC method called).</summary>
    public string? LogNote { get; set; }

    /// <summary>Set once the connection has been handed to a WebSocket; the loop then neither answers nor reuses it.</summary>
    public bool Upgraded { get; private set; }

    /// <summary>
    /// Answers 101 and returns the server side of the WebSocket on this connection (RFC 6455 section 4.2.2). The caller
    /// has checked the request (<see cref="WebSocketHandshake.Validate"/>) and owns the socket from here on.
    /// </summary>
    /// <param name="wrap">A stream to put between the connection and the WebSocket (the UTF-8 guard of the echo server).</param>
    public async Task<WebSocket> AcceptWebSocketAsync(string? subProtocol, TimeSpan keepAliveInterval, Func<Stream, Stream>? wrap = null)
    {
        var key = Request.Headers["Sec-WebSocket-Key"]!.Trim();
        var head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + $"Sec-WebSocket-Accept: {WebSocketHandshake.AcceptKey(key)}\r\n"
            + (subProtocol is null ? "" : $"Sec-WebSocket-Protocol: {subProtocol}\r\n")
            + "\r\n";
        await _connection.SendAsync(System.Text.Encoding.ASCII.GetBytes(head)).ConfigureAwait(false);
        Upgraded = true;
        var stream = _connection.DetachStream();
        return WebSocket.CreateFromStream(wrap is null ? stream : wrap(stream), new WebSocketCreationOptions
        {
            IsServer = true,
            SubProtocol = subProtocol,
            KeepAliveInterval = keepAliveInterval,
        });
    }
}
