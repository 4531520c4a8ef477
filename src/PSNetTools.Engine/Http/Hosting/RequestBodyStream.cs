using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace PSNetTools.Http.Hosting;

/// <summary>
/// A request body read from the connection: by Content-Length or chunked, counting the bytes as they arrive so that
/// no encoding can carry more than MaxBodyBytes, under the body timeout and minimum rate. Sends "100 Continue" before
/// the first read when the client waits for it.
/// </summary>
internal sealed class RequestBodyStream : Stream
{
    private const int MaxChunkLine = 4096;
    private static readonly TimeSpan RateGrace = TimeSpan.FromSeconds(5);
    private readonly HttpConnection _connection;
    private readonly HttpServerLimits _limits;
    private readonly bool _chunked;
    private readonly Func<ValueTask>? _sendContinue;
    private long _remaining;
    private long _received;
    private long _started;
    private bool _continueSent;
    private bool _done;
    private int _trailerBytes;

    public RequestBodyStream(HttpConnection connection, HttpRequestHead head, Func<ValueTask>? sendContinue)
    {
        _connection = connection;
        _limits = connection.Limits;
        _chunked = head.Chunked;
        _remaining = head.Chunked ? 0 : Math.Max(0, head.ContentLength);
        _done = !head.HasBody;
        _sendContinue = head.ExpectContinue ? sendContinue : null;
    }

    /// <summary>True when the whole body has been read, so the connection can carry the next request.</summary>
    public bool Complete => _done;

    public long BytesRead => _received;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _received; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_done || buffer.IsEmpty) return 0;
        if (_sendContinue is not null && !_continueSent)
        {
            _continueSent = true;
            await _sendContinue().ConfigureAwait(false);
        }
        if (_started == 0) _started = Stopwatch.GetTimestamp();
        if (_chunked && _remaining == 0)
        {
            await NextChunkAsync(cancellationToken).ConfigureAwait(false);
            if (_done) return 0;
        }
        if (_connection.BufferedCount == 0) await FillAsync(cancellationToken).ConfigureAwait(false);
        var n = _connection.Take(buffer.Span[..(int)Math.Min(buffer.Length, _remaining)]);
        _remaining -= n;
        _received += n;
        if (_received > _limits.MaxBodyBytes) throw TooLarge();
        if (_remaining == 0)
        {
            if (_chunked) await ExpectLineEndAsync(cancellationToken).ConfigureAwait(false);
            else _done = true;
        }
        return n;
    }

    /// <summary>Reads and drops what is left, up to <paramref name="limit"/> bytes; false when more was left.</summary>
    public async ValueTask<bool> DrainAsync(long limit)
    {
        // A Content-Length that says more is coming than the limit: close now rather than wait out the body timeout
        // for bytes that would be dropped anyway (a 10 MB body announced and one byte sent held its connection 30 s).
        if (!_chunked && !_done && _remaining - _connection.BufferedCount > limit) return false;
        var scratch = new byte[4096];
        long dropped = 0;
        while (!_done)
        {
            var n = await ReadAsync(scratch).ConfigureAwait(false);
            dropped += n;
            if (dropped > limit) return false;
        }
        return true;
    }

    private BadHttpRequestException TooLarge() => new(413, $"The request body is larger than {_limits.MaxBodyBytes:N0} bytes.");

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var elapsed = Stopwatch.GetElapsedTime(_started);
        if (elapsed > RateGrace && _limits.MinBodyBytesPerSecond > 0 && _received / elapsed.TotalSeconds < _limits.MinBodyBytesPerSecond)
        {
            throw new BadHttpRequestException(408, string.Create(CultureInfo.InvariantCulture,
                $"The request body arrives slower than {_limits.MinBodyBytesPerSecond:0.###} bytes/s."));
        }
        bool more;
        try
        {
            more = await _connection.FillAsync(_limits.BodyTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new BadHttpRequestException(408, $"The request body stalled: nothing arrived for {_limits.BodyTimeout.TotalSeconds:0.###} s.");
        }
        if (!more) throw new ClientGoneException("The client closed the connection before sending the whole body.");
    }

    private async ValueTask<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var lf = _connection.Buffered.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var line = Encoding.Latin1.GetString(_connection.Buffered[..lf]).TrimEnd('\r');
                _connection.Consume(lf + 1);
                return line;
            }
            if (_connection.BufferedCount > MaxChunkLine) throw new BadHttpRequestException(400, "A chunk header line is too long.");
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask NextChunkAsync(CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
        var size = line.Split(';')[0].Trim();
        if (size.Length is 0 or > 15 || !long.TryParse(size, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var length) || length < 0)
        {
            throw new BadHttpRequestException(400, "A chunk size is malformed.");
        }
        // Refused before the data is read: a 1 TB chunk announcement costs nothing.
        if (_received + length > _limits.MaxBodyBytes) throw TooLarge();
        if (length > 0)
        {
            _remaining = length;
            return;
        }
        while (true)
        {
            var trailer = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (trailer.Length == 0) break;
            _trailerBytes += trailer.Length;
            if (_trailerBytes > _limits.MaxHeaderBytes) throw new BadHttpRequestException(431, $"The request trailers are larger than {_limits.MaxHeaderBytes:N0} bytes.");
        }
        _done = true;
    }

    private async ValueTask ExpectLineEndAsync(CancellationToken cancellationToken)
    {
        if (await ReadLineAsync(cancellationToken).ConfigureAwait(false) is not "") throw new BadHttpRequestException(400, "A chunk is longer than its size says.");
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
