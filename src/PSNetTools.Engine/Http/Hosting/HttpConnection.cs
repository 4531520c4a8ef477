using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace PSNetTools.Http.Hosting;

/// <summary>
/// One client connection: its socket, the bytes received but not yet parsed, and the one timer every read and
/// write runs under. A read or write that passes its limit throws <see cref="TimeoutException"/>; a peer that
/// resets throws <see cref="IOException"/>, the way NetworkStream reports it.
/// </summary>
internal sealed class HttpConnection : IDisposable
{
    private const int InitialBuffer = 4096;
    private readonly Socket _socket;
    private CancellationTokenSource _timer = new();
    private byte[]? _buffer;
    private int _start;
    private int _end;
    private int _disposed;

    private readonly Action<long> _counted;
    private readonly Action<long> _countSent;

    public HttpConnection(Socket socket, HttpServerLimits limits, Action<long> counted, Action<long> countSent)
    {
        _socket = socket;
        Limits = limits;
        _counted = counted;
        _countSent = countSent;
        // Captured now: a closed socket has no remote end point to ask for later.
        Remote = socket.RemoteEndPoint as IPEndPoint ?? new IPEndPoint(IPAddress.None, 0);
        Local = socket.LocalEndPoint as IPEndPoint ?? new IPEndPoint(IPAddress.None, 0);
    }

    public HttpServerLimits Limits { get; }

    /// <summary>The timer for the next operation, started; a timer that fired is replaced (a fired one stays cancelled).</summary>
    private CancellationToken Arm(TimeSpan timeout)
    {
        if (_timer.IsCancellationRequested)
        {
            _timer.Dispose();
            _timer = new CancellationTokenSource();
        }
        _timer.CancelAfter(timeout);
        return _timer.Token;
    }

    public IPEndPoint Remote { get; }

    public IPEndPoint Local { get; }

    /// <summary>True while a request is being read or answered (not while idle between requests).</summary>
    public volatile bool Busy;

    /// <summary>Bytes received and not yet consumed.</summary>
    public ReadOnlySpan<byte> Buffered => _buffer is null ? default : _buffer.AsSpan(_start, _end - _start);

    public int BufferedCount => _end - _start;

    public void Consume(int count)
    {
        _start += count;
        if (_start == _end) _start = _end = 0;
    }

    /// <summary>Copies up to <paramref name="destination"/>.Length buffered bytes out and consumes them.</summary>
    public int Take(Span<byte> destination)
    {
        var n = Math.Min(destination.Length, BufferedCount);
        Buffered[..n].CopyTo(destination);
        Consume(n);
        return n;
    }

    /// <summary>
    /// Waits until the client sends something, holding no buffer meanwhile (a zero-byte receive), so thousands of idle
    /// keep-alive connections cost a socket each and not a buffer each. False when the client closed or the wait passed
    /// <paramref name="timeout"/>.
    /// </summary>
    public async ValueTask<bool> WaitForDataAsync(TimeSpan timeout)
    {
        if (BufferedCount > 0) return true;
        ReturnBuffer();
        try
        {
            await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, Arm(timeout)).ConfigureAwait(false);
            _timer.CancelAfter(Timeout.Infinite);
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Receives more bytes after those buffered; false when the client closed its side.</summary>
    public async ValueTask<bool> FillAsync(TimeSpan timeout)
    {
        EnsureSpace();
        int n;
        try
        {
            n = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, Arm(timeout)).ConfigureAwait(false);
            _timer.CancelAfter(Timeout.Infinite);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the client sent nothing for {timeout.TotalSeconds:0.###} s");
        }
        catch (SocketException ex)
        {
            throw new ClientGoneException(ex.Message, ex);
        }
        catch (ObjectDisposedException ex)
        {
            throw new ClientGoneException("the connection was closed", ex);
        }
        _end += n;
        _counted(n);
        return n > 0;
    }

    private void EnsureSpace()
    {
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
            return;
        }
        if (_end < _buffer.Length) return;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
            return;
        }
        // Grown only while a request head or chunk line is incomplete; the callers cap that with their limits.
        var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
        Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    private void ReturnBuffer()
    {
        if (_buffer is null || BufferedCount > 0) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _start = _end = 0;
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> data)
    {
        try
        {
            var token = Arm(Limits.WriteTimeout);
            while (!data.IsEmpty)
            {
                var n = await _socket.SendAsync(data, SocketFlags.None, token).ConfigureAwait(false);
                data = data[n..];
                _countSent(n);
            }
            _timer.CancelAfter(Timeout.Infinite);
        }
        catch (OperationCanceledException)
        {
            throw new ClientGoneException($"the client took no data for {Limits.WriteTimeout.TotalSeconds:0.###} s");
        }
        catch (SocketException ex)
        {
            throw new ClientGoneException(ex.Message, ex);
        }
        catch (ObjectDisposedException ex)
        {
            throw new ClientGoneException("the connection was closed", ex);
        }
    }

    /// <summary>The raw stream after a protocol upgrade (WebSocket): bytes already buffered come first.</summary>
    public Stream DetachStream() => new UpgradedStream(this, new NetworkStream(_socket, ownsSocket: false));

    /// <summary>Sends FIN and closes; a reset of a client that is gone is not an error.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        _socket.Dispose();
    }

    /// <summary>
    /// After an error answer: stop sending, then read and drop what the client is still sending for a moment before
    /// closing, so that its unread request bytes do not turn the close into a reset that destroys the answer (nginx's
    /// lingering close).
    /// </summary>
    public async Task LingeringCloseAsync()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
            var scratch = new byte[4096];
            long dropped = 0;
            using var linger = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            while (dropped < 1024 * 1024)
            {
                var n = await _socket.ReceiveAsync(scratch, SocketFlags.None, linger.Token).ConfigureAwait(false);
                if (n == 0) break;
                dropped += n;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        Close();
    }

    /// <summary>Drops the connection at once (server stop).</summary>
    public void Abort()
    {
        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        Close();
    }

    public void Dispose()
    {
        Close();
        _timer.Dispose();
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
    }

    /// <summary>Reads the connection's leftover bytes first, then the socket.</summary>
    private sealed class UpgradedStream(HttpConnection connection, NetworkStream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) =>
            connection.BufferedCount > 0 ? connection.Take(buffer.AsSpan(offset, count)) : inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            connection.BufferedCount > 0 ? ValueTask.FromResult(connection.Take(buffer.Span)) : inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
