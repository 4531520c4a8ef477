using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using PSNetTools.Net;

namespace PSNetTools.WebSockets;

/// <summary>
/// One client WebSocket connection (Connect-WebSocket's object). A pump reads the socket into a bounded queue as
/// messages arrive, because cancelling a pending ClientWebSocket receive aborts the connection: with the queue, a
/// read can time out and the session lives on.
/// </summary>
public sealed class WebSocketSession : IAsyncDisposable
{
    private static int _lastId;
    private readonly ClientWebSocket _socket;
    private readonly WebSocketClientOptions _options;
    private readonly Channel<WebSocketMessage> _received;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private Exception? _failure;
    private readonly CancellationTokenSource _closing = new();
    private HttpMessageInvoker? _invoker;
    private Task _pump = Task.CompletedTask;
    private long _sent;
    private long _receivedCount;
    private long _bytesSent;
    private long _bytesReceived;

    private WebSocketSession(ClientWebSocket socket, WebSocketClientOptions options)
    {
        _socket = socket;
        _options = options;
        Id = Interlocked.Increment(ref _lastId);
        Uri = options.Uri.ToString();
        _received = Channel.CreateBounded<WebSocketMessage>(new BoundedChannelOptions(Math.Max(1, options.ReceiveQueueLength))
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public int Id { get; }

    public string Uri { get; }

    private int _disposed;

    /// <summary>Open, CloseSent, CloseReceived, Closed or Aborted.</summary>
    public string State => _socket.State.ToString();

    public string? Subprotocol => _socket.SubProtocol;

    public DateTime ConnectedAt { get; private set; }

    public long MessagesSent => Interlocked.Read(ref _sent);

    public long MessagesReceived => Interlocked.Read(ref _receivedCount);

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>The close status the server sent (e.g. NormalClosure, MessageTooBig), once closed.</summary>
    /// <summary>The close code: its RFC 6455 name (NormalClosure) or, for application codes, the number (3000).</summary>
    public string? CloseStatus => _socket.CloseStatus?.ToString();

    public string? CloseDescription => _socket.CloseStatusDescription;

    /// <summary>Why the connection ended abnormally (server gone, reset, oversized message), if it did.</summary>
    public string? LastError { get; private set; }

    /// <exception cref="ArgumentException">The URI is not ws:// or wss://, or the timeout is not positive; the client certificate has no private key.</exception>
    /// <exception cref="TimeoutException">The opening handshake did not finish within the timeout.</exception>
    /// <exception cref="System.Net.WebSockets.WebSocketException">The server refused the upgrade, the connection failed, or TLS failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<WebSocketSession> ConnectAsync(WebSocketClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Uri.IsAbsoluteUri || options.Uri.Scheme is not ("ws" or "wss"))
        {
            throw new ArgumentException($"'{options.Uri.OriginalString}' is not a ws:// or wss:// URL.");
        }
        if (TargetSpec.NotAnAddress(options.Uri) is { } notAnAddress) throw new ArgumentException($"'{options.Uri.OriginalString}': the host {notAnAddress}");
        if (options.TimeoutSec <= 0) throw new ArgumentException("TimeoutSec must be greater than 0.");
        var socket = new ClientWebSocket();
        // The handler puts the UTF-8 guard under the WebSocket, above TLS (PlaintextStreamFilter sees what TLS decrypted).
        var handler = new SocketsHttpHandler
        {
            PlaintextStreamFilter = (context, _) => ValueTask.FromResult<Stream>(new Utf8GuardStream(context.PlaintextStream, maskOutgoing: true, afterHttpHead: true)),
            ConnectTimeout = TimeSpan.FromSeconds(options.TimeoutSec),
            // A redirected handshake would carry -Headers (Cookie, tokens) to wherever the server points; browsers
            // fail a WebSocket on any redirect, and so does this client: a 3xx is the handshake's error.
            AllowAutoRedirect = false,
        };
        var invoker = new HttpMessageInvoker(ClientCertificateCheckHandler.Over(handler, options.Tls));
        try
        {
            foreach (var p in options.Subprotocols) socket.Options.AddSubProtocol(p);
            foreach (var (name, value) in options.Headers) socket.Options.SetRequestHeader(name, value);
            options.Tls.ApplyTo(handler.SslOptions);
            socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSec));
            try
            {
                await socket.ConnectAsync(options.Uri, invoker, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{options.Uri}: the WebSocket handshake did not finish within {options.TimeoutSec:0.###} s.");
            }
        }
        catch
        {
            socket.Dispose();
            invoker.Dispose();
            throw;
        }
        var session = new WebSocketSession(socket, options) { ConnectedAt = DateTime.Now, _invoker = invoker };
        options.Log?.Invoke($"connected to {options.Uri}{(socket.SubProtocol is { } sp ? $" (subprotocol {sp})" : "")}");
        session._pump = Task.Run(session.PumpAsync, CancellationToken.None);
        return session;
    }

    /// <summary>Sends one message; concurrent sends are serialized (a WebSocket allows one at a time).</summary>
    /// <exception cref="TimeoutException">Sending did not finish within the session's timeout.</exception>
    /// <exception cref="System.Net.WebSockets.WebSocketException">The connection is closed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task SendAsync(ReadOnlyMemory<byte> data, bool binary, CancellationToken cancellationToken = default)
    {
        if (_socket.State != WebSocketState.Open) throw Closed();
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSec));
            try
            {
                await _socket.SendAsync(data, binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{Uri}: sending did not finish within {_options.TimeoutSec:0.###} s.");
            }
            catch (WebSocketException ex)
            {
                throw Closed(ex);
            }
        }
        finally
        {
            _sendLock.Release();
        }
        Interlocked.Increment(ref _sent);
        Interlocked.Add(ref _bytesSent, data.Length);
    }

    public Task SendTextAsync(string text, CancellationToken cancellationToken = default) =>
        SendAsync(Encoding.UTF8.GetBytes(text), binary: false, cancellationToken);

    /// <summary>The next message; null when the connection closed cleanly. Waits at most <paramref name="timeoutSec"/> (0 = forever).</summary>
    /// <exception cref="TimeoutException">No message within <paramref name="timeoutSec"/>.</exception>
    /// <exception cref="System.Net.WebSockets.WebSocketException">The connection closed with an error.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<WebSocketMessage?> ReceiveAsync(double timeoutSec, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeoutSec > 0) timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSec));
        try
        {
            if (await _received.Reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false) && _received.Reader.TryRead(out var message)) return message;
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{Uri}: no message within {timeoutSec:0.###} s.");
        }
        catch (ChannelClosedException ex) when (ex.InnerException is { } inner)
        {
            throw Closed(inner);
        }
    }

    /// <summary>Sends one message and waits for the next one to arrive: one round trip of an echo or request/response server.</summary>
    /// <exception cref="TimeoutException">Sending, or waiting for the answer, ran out of time.</exception>
    /// <exception cref="System.Net.WebSockets.WebSocketException">The connection is closed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<WebSocketExchange> ExchangeAsync(long index, string text, bool binary, bool noResponse, CancellationToken cancellationToken = default) =>
        ExchangeAsync(index, Encoding.UTF8.GetBytes(text), text, binary, noResponse, cancellationToken);

    /// <summary>The same with bytes as they are, in a binary frame (Sent is empty: bytes need not be text).</summary>
    public Task<WebSocketExchange> ExchangeAsync(long index, byte[] data, bool noResponse, CancellationToken cancellationToken = default) =>
        ExchangeAsync(index, data ?? [], "", binary: true, noResponse, cancellationToken);

    private async Task<WebSocketExchange> ExchangeAsync(long index, byte[] bytes, string text, bool binary, bool noResponse, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await SendAsync(bytes, binary, cancellationToken).ConfigureAwait(false);
        if (noResponse)
        {
            return new WebSocketExchange { Index = index, Sent = text, MessageType = binary ? "Binary" : "Text", SentBytes = bytes.Length, Uri = Uri };
        }
        var answer = await ReceiveAsync(_options.TimeoutSec, cancellationToken).ConfigureAwait(false) ?? throw Closed();
        return new WebSocketExchange
        {
            Index = index,
            Sent = text,
            Received = answer.Text,
            RoundTripMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            MessageType = answer.MessageType,
            SentBytes = bytes.Length,
            ReceivedBytes = answer.Length,
            Uri = Uri,
            ReceivedData = answer.Data,
        };
    }

    /// <summary>The close handshake (1000 Normal Closure); aborts when the server does not answer within the timeout.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        // Closing a closed session is nothing to do (Disconnect-WebSocket twice, a script's finally block).
        if (Volatile.Read(ref _disposed) != 0) return;
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(Math.Min(_options.TimeoutSec, 10)));
            try
            {
                // Output only: the pump reads the server's close frame and completes the handshake.
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token).ConfigureAwait(false);
                await _pump.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
                _socket.Abort();
            }
        }
        await _closing.CancelAsync().ConfigureAwait(false);
        _options.Log?.Invoke($"closed {Uri} ({CloseStatus ?? State})");
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _socket.Dispose();
        _invoker?.Dispose();
        _sendLock.Dispose();
        _closing.Dispose();
    }

    private async Task PumpAsync()
    {
        var buffer = new byte[64 * 1024];
        long index = 0;
        Exception? failure = null;
        try
        {
            while (true)
            {
                using var message = new MemoryStream();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(), _closing.Token).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await AnswerCloseAsync().ConfigureAwait(false);
                        return;
                    }
                    if (message.Length + result.Count > _options.MaxMessageBytes)
                    {
                        LastError = $"a message larger than {_options.MaxMessageBytes} bytes arrived; the connection was closed (1009).";
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "message too big", CancellationToken.None).ConfigureAwait(false);
                        failure = new WebSocketException(WebSocketError.Faulted, LastError);
                        return;
                    }
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);
                var data = message.ToArray();
                Interlocked.Increment(ref _receivedCount);
                Interlocked.Add(ref _bytesReceived, data.Length);
                var item = new WebSocketMessage
                {
                    Index = ++index,
                    MessageType = result.MessageType == WebSocketMessageType.Binary ? "Binary" : "Text",
                    Text = Encoding.UTF8.GetString(data),
                    Length = data.Length,
                    ReceivedAt = DateTime.Now,
                    Uri = Uri,
                    Data = data,
                };
                await _received.Writer.WriteAsync(item, _closing.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
        catch (WebSocketException ex) when (ex is { WebSocketErrorCode: WebSocketError.Faulted, InnerException: null })
        {
            // The socket refused what the server sent (reserved bits, a bad opcode or length, invalid UTF-8): the
            // server broke the protocol, as a peer that is no WebSocket server does at the handshake.
            LastError = ex.Message;
            failure = new TargetFailureException(new TargetFailure(Uri, ErrorIds.ProtocolError, FailureKind.ProtocolError,
                $"{Uri}: the server sent something that is no WebSocket frame ({FailureText.Of(ex)})", ex));
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            // Server gone mid-session, reset, or a close without the handshake; the UTF-8 guard's reason is the real one
            // when .NET reports it as "closed without completing the close handshake".
            var invalid = Failures.Innermost<InvalidUtf8Exception>(ex);
            LastError = invalid?.Message ?? ex.Message;
            failure = invalid is null ? ex : new WebSocketException(WebSocketError.Faulted, invalid.Message, invalid);
        }
        finally
        {
            Volatile.Write(ref _failure, failure);
            _received.Writer.TryComplete(failure);
        }
    }

    // Without the answer (RFC 6455 §5.5.1) the session sat in CloseReceived and the server waited for a handshake
    // that never came.
    private async Task AnswerCloseAsync()
    {
        if (_socket.State != WebSocketState.CloseReceived) return;
        _options.Log?.Invoke($"{Uri}: the server closed the session ({CloseStatus ?? "no code"}{(string.IsNullOrEmpty(CloseDescription) ? "" : $" '{CloseDescription}'")})");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Min(_options.TimeoutSec, 10)));
        try
        {
            await _socket.AnswerCloseAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            _socket.Abort();
        }
    }

    // What ended the pump, if anything did: a later send or receive on the dead session fails for that reason too
    // (a server that broke the protocol is a ProtocolError whichever call meets it first).
    private WebSocketException Closed(Exception? inner = null) =>
        new(WebSocketError.ConnectionClosedPrematurely,
            $"{Uri}: the connection is closed ({LastError ?? CloseStatus ?? State}); connect again.", inner ?? Volatile.Read(ref _failure));
}
