using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using PSNetTools.Net;

namespace PSNetTools.Grpc;

/// <summary>
/// One open client-streaming or bidi call (Connect-GrpcStream's object): requests are sent one at a time as the
/// user gives them, and a pump reads the replies into a bounded queue as they arrive, so a lockstep conversation
/// (send, read the answer, send the next: the interop ping_pong) sees each reply when it comes, not when the next
/// request is written. Receiving with a timeout never cancels the call; only <see cref="CloseAsync"/> does.
/// </summary>
public sealed class GrpcStreamSession : IAsyncDisposable
{
    /// <summary>Replies read off the wire and not yet received, at most; a full queue stops reading (HTTP/2 flow control then stops the server).</summary>
    internal const int ReceiveQueueCapacity = 16;

    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);
    private static readonly ConcurrentDictionary<int, GrpcStreamSession> Sessions = new();
    private static int _lastId;

    private readonly GrpcClient _client;
    private readonly GrpcMethodInfo _method;
    private readonly Action<string>? _log;
    private readonly Channel<object> _received = Channel.CreateBounded<object>(new BoundedChannelOptions(ReceiveQueueCapacity)
    {
        SingleReader = false,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _cancel;
    private readonly IClientStreamWriter<byte[]> _requests;
    private readonly IDisposable _call;
    private Task _pump = Task.CompletedTask;
    private Exception? _failure;
    private bool _compressed;
    private int _halfClosed;
    private int _closed;
    private long _sent;
    private long _receivedCount;

    private GrpcStreamSession(GrpcClient client, GrpcMethodInfo method, IClientStreamWriter<byte[]> requests, IDisposable call, CancellationTokenSource cancel, Action<string>? log)
    {
        _cancel = cancel;
        _client = client;
        _method = method;
        _requests = requests;
        _call = call;
        _log = log;
        Id = Interlocked.Increment(ref _lastId);
        Address = client.Connection!.Options.Address;
        Method = method.Name;
        Kind = method.Kind;
        ConnectedAt = DateTime.Now;
    }

    public int Id { get; }

    public string Address { get; }

    /// <summary>package.Service/Method.</summary>
    public string Method { get; }

    /// <summary>ClientStreaming or BidiStreaming.</summary>
    public string Kind { get; }

    /// <summary>Open (requests may be sent), HalfClosed (the requests are done, replies may still come), Closed (the call ended).</summary>
    public string State => _pump.IsCompleted || Volatile.Read(ref _closed) != 0 ? "Closed" : Volatile.Read(ref _halfClosed) != 0 ? "HalfClosed" : "Open";

    /// <summary>The call's final status (OK, Cancelled, DeadlineExceeded...) once it ended; null while it runs.</summary>
    public string? Status { get; private set; }

    /// <summary>The server's status message (grpc-message), once the call ended.</summary>
    public string? StatusDetail { get; private set; }

    public DateTime ConnectedAt { get; }

    public long MessagesSent => Interlocked.Read(ref _sent);

    public long MessagesReceived => Interlocked.Read(ref _receivedCount);

    /// <summary>The server's response headers once they arrived (values of -bin keys in base64, as they travel).</summary>
    public IReadOnlyDictionary<string, string> ResponseHeaders { get; private set; } = ReadableDictionary.Empty;

    /// <summary>The server's trailers once the call ended (values of -bin keys in base64).</summary>
    public IReadOnlyDictionary<string, string> Trailers { get; private set; } = ReadableDictionary.Empty;

    /// <summary>The sessions of this process that are not disconnected, oldest first.</summary>
    public static IReadOnlyList<GrpcStreamSession> Active() => [.. Sessions.Values.OrderBy(s => s.Id)];

    /// <summary>
    /// Starts <paramref name="method"/> (client-streaming or bidi) on <paramref name="client"/>'s channel; the session
    /// owns the client from here on and disposes it when closed. Nothing is sent until the first request.
    /// </summary>
    /// <exception cref="ArgumentException">The method is unary or server-streaming (one request: a call, not a stream), or the metadata is not valid.</exception>
    /// <exception cref="InvalidOperationException">The client has no server address.</exception>
    public static GrpcStreamSession Start(GrpcClient client, GrpcMethodInfo method, GrpcCallOptions options, Action<string>? log)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(options);
        if (!method.ClientStreaming)
        {
            throw new ArgumentException($"{method.Name} is a {method.Kind} method: it takes one request, so it is a call, not a stream.", nameof(method));
        }
        var connection = client.Connection ?? throw new InvalidOperationException("This client has no server address.");
        var cancel = new CancellationTokenSource();
        var descriptor = method.Descriptor;
        var type = descriptor.IsServerStreaming ? MethodType.DuplexStreaming : MethodType.ClientStreaming;
        var grpcMethod = new Method<byte[], byte[]>(type, descriptor.Service.FullName, descriptor.Name, Bytes, Bytes);
        var headers = connection.Headers(options.Metadata);
        var compressed = options.Compression?.Trim().ToLowerInvariant() switch
        {
            null or "" or "identity" => false,
            "gzip" => true,
            _ => throw new ArgumentException($"'{options.Compression}' is not a request encoding this client sends: gzip or identity.", nameof(options)),
        };
        // Grpc.Net.Client's own switch for compressing the requests of one call (the channel has the gzip provider).
        if (compressed) headers.Add("grpc-internal-encoding-request", "gzip");
        var callOptions = new CallOptions(headers, options.Deadline is { } d ? DateTime.UtcNow + d : null, cancel.Token);
        log?.Invoke($"opening {method.Name} ({method.Kind}) on {connection.Target}{(options.Deadline is { } dl ? $", deadline {dl.TotalSeconds:0.###} s" : "")}");
        GrpcStreamSession session;
        if (type == MethodType.DuplexStreaming)
        {
            var call = connection.Invoker.AsyncDuplexStreamingCall(grpcMethod, null, callOptions);
            session = new GrpcStreamSession(client, method, call.RequestStream, call, cancel, log);
            session._compressed = compressed;
        session._pump = Task.Run(() => session.PumpAsync(call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, ReadAllAsync(call.ResponseStream)));
        }
        else
        {
            var call = connection.Invoker.AsyncClientStreamingCall(grpcMethod, null, callOptions);
            session = new GrpcStreamSession(client, method, call.RequestStream, call, cancel, log);
            session._compressed = compressed;
        session._pump = Task.Run(() => session.PumpAsync(call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, OneAsync(call.ResponseAsync)));
        }
        Sessions[session.Id] = session;
        return session;
    }

    /// <summary>Encodes <paramref name="body"/> (a dictionary tree, as Invoke-GrpcMethod takes it) and sends it; one send at a time.</summary>
    /// <exception cref="Codec.ProtoValueException">The body does not fit the request type; nothing was sent.</exception>
    /// <exception cref="InvalidOperationException">The requests were already completed (half-closed) or the session is disconnected.</exception>
    /// <exception cref="GrpcCallException">The call already ended: its status (a server error, the deadline, a cancel).</exception>
    /// <exception cref="TimeoutException">The server did not take the message within <paramref name="timeout"/> (HTTP/2 flow control).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task SendAsync(object? body, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var bytes = _client.EncodeRequest(_method, body);
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _closed) != 0) throw new InvalidOperationException($"{Method}: the stream is disconnected; connect again.");
            if (Volatile.Read(ref _halfClosed) != 0) throw new InvalidOperationException($"{Method}: the requests were already completed; nothing more can be sent on this stream.");
            if (_pump.IsCompleted) throw Ended();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            try
            {
                // An empty message goes uncompressed (the protocol allows it per message; grpc-js refuses an empty gzip body).
                if (_compressed) _requests.WriteOptions = bytes.Length == 0 ? new WriteOptions(WriteFlags.NoCompress) : null;
                await _requests.WriteAsync(bytes, limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_pump.IsCompleted)
            {
                throw new TimeoutException($"{Method}: the server did not take the message within {timeout.TotalSeconds:0.###} s.");
            }
            catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // The call ended under the write (the server answered with a status, the deadline passed): that status is the reason.
                await Task.WhenAny(_pump, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
                throw Ended();
            }
        }
        finally
        {
            _sendLock.Release();
        }
        Interlocked.Increment(ref _sent);
    }

    /// <summary>Half-closes: tells the server no more requests come (a client-streaming server answers then). Doing it twice is nothing.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Interlocked.Exchange(ref _halfClosed, 1) != 0 || _pump.IsCompleted) return;
            try
            {
                await _requests.CompleteAsync().ConfigureAwait(false);
                _log?.Invoke($"{Method}: requests completed (half-close)");
            }
            catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException or OperationCanceledException)
            {
                // The call already ended; its status says why, and the reader meets it.
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// The next reply; null when the call ended with OK and every reply was taken. Waits at most
    /// <paramref name="timeoutSec"/> seconds (0 = until the call ends); a timeout leaves the call running.
    /// </summary>
    /// <exception cref="GrpcCallException">The call ended with a status other than OK (after the replies that came before it).</exception>
    /// <exception cref="TimeoutException">No reply within <paramref name="timeoutSec"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<object?> ReceiveAsync(double timeoutSec, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeoutSec > 0) limit.CancelAfter(TimeSpan.FromSeconds(timeoutSec));
        try
        {
            while (await _received.Reader.WaitToReadAsync(limit.Token).ConfigureAwait(false))
            {
                if (_received.Reader.TryRead(out var reply)) return reply;
            }
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{Method}: no reply within {timeoutSec:0.###} s; the stream is still {State}.");
        }
        catch (ChannelClosedException ex) when (ex.InnerException is { } inner)
        {
            // The reason the pump ended with (a status, a reply that did not decode), not the channel's wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
            throw;
        }
    }

    /// <summary>
    /// Ends the session. Without <paramref name="cancel"/>: half-closes and waits up to <paramref name="wait"/> for
    /// the server to end the call (replies not yet received are dropped), then cancels if it has not. With it: cancels
    /// at once (RST_STREAM CANCEL; Status becomes Cancelled). Closing a closed session is nothing to do.
    /// </summary>
    public async Task CloseAsync(bool cancel, TimeSpan wait)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        Sessions.TryRemove(Id, out _);
        if (!cancel && !_pump.IsCompleted)
        {
            await CompleteAsync().ConfigureAwait(false);
            using var limit = new CancellationTokenSource(wait);
            try
            {
                // Unread replies would hold the pump at a full queue: drop them while the server finishes.
                while (await _received.Reader.WaitToReadAsync(limit.Token).ConfigureAwait(false))
                {
                    while (_received.Reader.TryRead(out _))
                    {
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException or GrpcCallException)
            {
            }
        }
        if (!_pump.IsCompleted)
        {
            await _cancel.CancelAsync().ConfigureAwait(false);
            await Task.WhenAny(_pump, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
        }
        _log?.Invoke($"{Method}: disconnected ({Status ?? State}{(string.IsNullOrEmpty(StatusDetail) ? "" : $": {StatusDetail}")})");
        _call.Dispose();
        _client.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync(cancel: false, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    private async Task PumpAsync(Task<Metadata> headers, Func<global::Grpc.Core.Status> status, Func<Metadata> trailers, IAsyncEnumerable<byte[]> replies)
    {
        Exception? failure = null;
        try
        {
            ResponseHeaders = Readable(await headers.ConfigureAwait(false));
            await foreach (var bytes in replies.ConfigureAwait(false))
            {
                var reply = _client.DecodeResponse(_method, bytes) ?? new object();
                Interlocked.Increment(ref _receivedCount);
                await _received.Writer.WriteAsync(reply, _cancel.Token).ConfigureAwait(false);
            }
            Finished(status(), trailers());
        }
        catch (RpcException ex)
        {
            var cancelled = _cancel.IsCancellationRequested && ex.StatusCode == StatusCode.Cancelled;
            Finished(ex.Status, ex.Trailers);
            failure = cancelled
                ? new GrpcCallException(GrpcStatusCode.Cancelled, "the client cancelled the call", Method)
                : GrpcCallException.From(ex, Method);
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            // Cancelled while a reply waited for room in the queue: the call ended here, cancelled by us.
            Status ??= nameof(GrpcStatusCode.Cancelled);
            failure = new GrpcCallException(GrpcStatusCode.Cancelled, "the client cancelled the call", Method);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or IOException)
        {
            // A reply that does not decode: the call is of no use past it.
            failure = ex;
            StatusDetail = ex.Message;
            await _cancel.CancelAsync().ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _failure, failure);
            _received.Writer.TryComplete(failure);
        }
    }

    private void Finished(global::Grpc.Core.Status status, Metadata trailers)
    {
        Status = ((GrpcStatusCode)(int)status.StatusCode).ToString();
        StatusDetail = status.Detail;
        Trailers = Readable(trailers);
        _log?.Invoke($"{Method}: status {Status}{(string.IsNullOrEmpty(status.Detail) ? "" : $" ({status.Detail})")}{(trailers.Count > 0 ? $", trailers: {Trailers}" : "")}");
    }

    private static ReadableDictionary Readable(Metadata metadata)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in metadata)
        {
            var value = entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value;
            map[entry.Key] = map.TryGetValue(entry.Key, out var before) ? $"{before},{value}" : value;
        }
        return new ReadableDictionary(map);
    }

    private Exception Ended() => Volatile.Read(ref _failure) is GrpcCallException failure
        ? failure
        : new InvalidOperationException($"{Method}: the call already ended ({Status ?? State}); connect again.");

    private static async IAsyncEnumerable<byte[]> ReadAllAsync(IAsyncStreamReader<byte[]> stream)
    {
        while (await stream.MoveNext(CancellationToken.None).ConfigureAwait(false)) yield return stream.Current;
    }

    private static async IAsyncEnumerable<byte[]> OneAsync(Task<byte[]> response)
    {
        yield return await response.ConfigureAwait(false);
    }
}
