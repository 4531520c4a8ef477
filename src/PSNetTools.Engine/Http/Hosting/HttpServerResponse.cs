using System.Buffers;
using System.Globalization;
using System.Text;

namespace PSNetTools.Http.Hosting;

/// <summary>
/// The answer to one request. Headers go out with the first body bytes (or at the end); small bodies leave in the same
/// send as their headers. Without a Content-Length an HTTP/1.1 body is chunked, an HTTP/1.0 one ends the connection.
/// A write the client does not take within WriteTimeout, or a write to a client that is gone, throws IOException: the
/// sender stops at the first failed write, and <see cref="BytesSent"/> says what really left.
/// </summary>
public sealed class HttpServerResponse
{
    private const int CoalesceBytes = 16 * 1024;
    private readonly HttpConnection _connection;
    private readonly bool _headRequest;
    private readonly Version _requestVersion;
    private readonly List<KeyValuePair<string, string>> _headers = [];
    private byte[]? _pending;
    private int _pendingCount;
    private bool _chunked;
    private int _status = 200;

    internal HttpServerResponse(HttpConnection connection, bool headRequest, Version requestVersion, bool keepAlive)
    {
        _connection = connection;
        _headRequest = headRequest;
        _requestVersion = requestVersion;
        KeepAlive = keepAlive;
        OutputStream = new ResponseBodyStream(this);
    }

    /// <summary>100-599; anything else is refused here so that a handler's typo becomes a 500, not a broken answer.</summary>
    public int StatusCode
    {
        get => _status;
        set
        {
            if (HeadersSent) throw new InvalidOperationException("The status cannot change after the response has started.");
            if (value is < 100 or > 599) throw new ArgumentOutOfRangeException(nameof(value), value, "An HTTP status is a number from 100 to 599.");
            _status = value;
        }
    }

    /// <summary>-1: not known (chunked for HTTP/1.1, connection close for HTTP/1.0).</summary>
    public long ContentLength64 { get; set; } = -1;

    public string? ContentType { get; set; }

    public string? RedirectLocation { get; set; }

    /// <summary>Whether the connection may carry another request after this answer.</summary>
    public bool KeepAlive { get; set; }

    public bool HeadersSent { get; private set; }

    /// <summary>Body bytes the client's socket accepted.</summary>
    public long BytesSent { get; private set; }

    public Stream OutputStream { get; }

    /// <summary>Header values a handler supplies are checked: a bad name or a CR/LF in a value throws ArgumentException.</summary>
    public void SetHeader(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (!HttpTokens.IsToken(name)) throw new ArgumentException($"'{name}' is not a valid header name.", nameof(name));
        if (!HttpTokens.IsFieldValue(value)) throw new ArgumentException($"The value of header '{name}' holds a line break or another control character.", nameof(value));
        if (IsFramingHeader(name)) return;
        _headers.RemoveAll(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase));
        _headers.Add(new(name, value));
    }

    public string? GetHeader(string name) => _headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    // The connection loop owns framing; a handler that sets these would desynchronise the connection.
    private static bool IsFramingHeader(string name) =>
        name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Connection", StringComparison.OrdinalIgnoreCase);

    private bool BodyAllowed => !_headRequest && _status is not (204 or 304) && _status >= 200;

    internal async ValueTask WriteAsync(ReadOnlyMemory<byte> data)
    {
        if (!HeadersSent) StartHeaders();
        if (!BodyAllowed || data.IsEmpty) return;
        if (ContentLength64 >= 0 && BytesSent + _pendingBody + data.Length > ContentLength64)
        {
            throw new InvalidOperationException("The body is longer than the Content-Length the response announced.");
        }
        if (_chunked)
        {
            await FlushPendingAsync().ConfigureAwait(false);
            await _connection.SendAsync(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{data.Length:x}\r\n"))).ConfigureAwait(false);
            await _connection.SendAsync(data).ConfigureAwait(false);
            await _connection.SendAsync("\r\n"u8.ToArray()).ConfigureAwait(false);
            BytesSent += data.Length;
            return;
        }
        if (_pending is not null && _pendingCount + data.Length <= _pending.Length)
        {
            data.Span.CopyTo(_pending.AsSpan(_pendingCount));
            _pendingCount += data.Length;
            _pendingBody += data.Length;
            return;
        }
        await FlushPendingAsync().ConfigureAwait(false);
        await _connection.SendAsync(data).ConfigureAwait(false);
        BytesSent += data.Length;
    }

    private int _pendingBody;

    /// <summary>Sends what is left: the headers if nothing was written, buffered bytes, the last chunk.</summary>
    internal async ValueTask CompleteAsync()
    {
        if (!HeadersSent)
        {
            if (ContentLength64 < 0 && BodyAllowed) ContentLength64 = 0;
            StartHeaders();
        }
        await FlushPendingAsync().ConfigureAwait(false);
        if (_chunked) await _connection.SendAsync("0\r\n\r\n"u8.ToArray()).ConfigureAwait(false);
        else if (BodyAllowed && ContentLength64 >= 0 && BytesSent < ContentLength64) KeepAlive = false; // the body was cut short: the client must see the end
    }

    private async ValueTask FlushPendingAsync()
    {
        if (_pending is null) return;
        var pending = _pending;
        var count = _pendingCount;
        var body = _pendingBody;
        _pending = null;
        _pendingCount = 0;
        _pendingBody = 0;
        try
        {
            await _connection.SendAsync(pending.AsMemory(0, count)).ConfigureAwait(false);
            BytesSent += body;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(pending);
        }
    }

    /// <summary>Writes the status line and headers into the send buffer; they leave with the first body bytes.</summary>
    private void StartHeaders()
    {
        HeadersSent = true;
        if (BodyAllowed && ContentLength64 < 0)
        {
            if (_requestVersion.Minor >= 1) _chunked = true;
            else KeepAlive = false;
        }
        var text = new StringBuilder(256);
        text.Append("HTTP/1.1 ").Append(_status.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(HttpStatusText.For(_status)).Append("\r\n");
        text.Append("Date: ").Append(HttpDate.Now).Append("\r\n");
        if (GetHeader("Server") is null) text.Append("Server: PSNetTools\r\n");
        if (ContentType is { } type && HttpTokens.IsFieldValue(type)) text.Append("Content-Type: ").Append(type).Append("\r\n");
        if (RedirectLocation is { } location && HttpTokens.IsFieldValue(location)) text.Append("Location: ").Append(location).Append("\r\n");
        foreach (var (name, value) in _headers) text.Append(name).Append(": ").Append(value).Append("\r\n");
        if (_chunked) text.Append("Transfer-Encoding: chunked\r\n");
        else if (ContentLength64 >= 0 && (_status >= 200 && _status is not (204 or 304) || _headRequest))
        {
            text.Append("Content-Length: ").Append(ContentLength64.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }
        if (!KeepAlive) text.Append("Connection: close\r\n");
        else if (_requestVersion.Minor == 0) text.Append("Connection: keep-alive\r\n");
        text.Append("\r\n");
        var length = Encoding.Latin1.GetByteCount(text.ToString());
        _pending = ArrayPool<byte>.Shared.Rent(Math.Max(length + CoalesceBytes, CoalesceBytes));
        _pendingCount = Encoding.Latin1.GetBytes(text.ToString(), _pending);
    }

    private sealed class ResponseBodyStream(HttpServerResponse response) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => response.BytesSent; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => response.WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            response.WriteAsync(buffer.AsMemory(offset, count)).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return response.WriteAsync(buffer);
        }
    }
}
