using System.Buffers.Binary;
using System.Security.Cryptography;
using PSNetTools.Net;

namespace PSNetTools.WebSockets;

/// <summary>
/// Sits under .NET's WebSocket and reads the peer's frames as their bytes arrive, to fail a text message at the first
/// byte that cannot be UTF-8 (RFC 6455 §8.1, Autobahn 6.4.x). .NET's WebSocket hands a small frame over only when it
/// is complete, so a slow fragment with an invalid byte was failed seconds late. On such a byte this stream writes a
/// Close 1007 itself and fails the next read, which ends the WebSocket.
/// Writes from the WebSocket and that Close share one lock, so frames never interleave.
/// </summary>
/// <param name="maskOutgoing">A client masks what it sends (the Close this stream writes).</param>
/// <param name="afterHttpHead">The stream starts with the HTTP upgrade answer (a client's connection): frames begin
/// after its blank line, often in the same read.</param>
internal sealed class Utf8GuardStream(Stream inner, bool maskOutgoing, bool afterHttpHead = false) : WrappingStream(inner)
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Utf8Validator _utf8 = new();
    private readonly byte[] _header = new byte[14];
    private readonly byte[] _plain = new byte[4096];
    private int _headerLength;
    private bool _inPayload;
    private long _payloadLeft;
    private byte[]? _mask;
    private int _maskIndex;
    private int _opcode;
    private bool _frameIsText;
    private bool _frameFinal;
    private bool _inTextMessage;
    private bool _stopped;
    private bool _failed;
    private bool _inHttpHead = afterHttpHead;
    private int _headMatched;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_failed) throw new InvalidUtf8Exception();
        var read = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read > 0 && !Inspect(buffer.Span[..read]))
        {
            // The Close goes now; the bytes of this read still go up (they may end the HTTP upgrade answer the client
            // is waiting for), and the WebSocket's next read, which waits for the rest of the frame, fails.
            _failed = true;
            await SendInvalidPayloadCloseAsync().ConfigureAwait(false);
        }
        return read;
    }

    // Follows the frame boundaries through the bytes; false at the first payload byte of a text message that makes it
    // invalid UTF-8 (or at the end of a message that stops inside a code point).
    private bool Inspect(ReadOnlySpan<byte> data)
    {
        while (_inHttpHead && data.Length > 0)
        {
            // Count along "\r\n\r\n", which may be split across reads.
            _headMatched = data[0] == (_headMatched % 2 == 0 ? (byte)'\r' : (byte)'\n') ? _headMatched + 1 : data[0] == '\r' ? 1 : 0;
            data = data[1..];
            if (_headMatched == 4) _inHttpHead = false;
        }
        while (data.Length > 0 && !_stopped)
        {
            if (!_inPayload)
            {
                // The header's size is known after its second byte (length and mask bits).
                while (_headerLength < HeaderSize() && data.Length > 0)
                {
                    _header[_headerLength++] = data[0];
                    data = data[1..];
                }
                if (_headerLength < HeaderSize()) return true;
                StartFrame();
                if (_payloadLeft == 0 && !EndFrame()) return false;
                continue;
            }
            var chunk = (int)Math.Min(_payloadLeft, data.Length);
            if (_frameIsText)
            {
                for (var done = 0; done < chunk; done += _plain.Length)
                {
                    var piece = Math.Min(_plain.Length, chunk - done);
                    var plain = _plain.AsSpan(0, piece);
                    data.Slice(done, piece).CopyTo(plain);
                    if (_mask is not null)
                    {
                        for (var i = 0; i < piece; i++) plain[i] ^= _mask[(_maskIndex + i) & 3];
                        _maskIndex = (_maskIndex + piece) & 3;
                    }
                    if (!_utf8.Append(plain)) return false;
                }
            }
            data = data[chunk..];
            _payloadLeft -= chunk;
            if (_payloadLeft == 0 && !EndFrame()) return false;
        }
        return true;
    }

    private int HeaderSize()
    {
        if (_headerLength < 2) return 2;
        var length = _header[1] & 0x7F;
        return 2 + (length == 126 ? 2 : length == 127 ? 8 : 0) + ((_header[1] & 0x80) != 0 ? 4 : 0);
    }

    private void StartFrame()
    {
        _opcode = _header[0] & 0x0F;
        _frameFinal = (_header[0] & 0x80) != 0;
        var length = _header[1] & 0x7F;
        _payloadLeft = length switch
        {
            126 => BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(2)),
            127 => (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(2)), long.MaxValue),
            _ => length,
        };
        var maskOffset = 2 + (length == 126 ? 2 : length == 127 ? 8 : 0);
        _mask = (_header[1] & 0x80) != 0 ? _header.AsSpan(maskOffset, 4).ToArray() : null;
        _maskIndex = 0;
        _headerLength = 0;
        _inPayload = true;
        // A compressed frame (RSV1, permessage-deflate) is not text this stream can read: it stops looking, and
        // .NET's WebSocket judges the rest.
        if ((_header[0] & 0x40) != 0) _stopped = true;
        if (_opcode == 1) _inTextMessage = true;
        else if (_opcode == 2) _inTextMessage = false;
        // Control frames (8-10) may come between the fragments of a message and carry none of its text.
        _frameIsText = _opcode is 0 or 1 && _inTextMessage;
    }

    private bool EndFrame()
    {
        _inPayload = false;
        if (_opcode >= 8 || !_frameIsText || !_frameFinal) return true;
        _inTextMessage = false;
        return _utf8.End();
    }

    private async Task SendInvalidPayloadCloseAsync()
    {
        // Close, code 1007 (invalid frame payload data); a client masks what it sends.
        byte[] frame;
        if (maskOutgoing)
        {
            var key = RandomNumberGenerator.GetBytes(4);
            frame = [0x88, 0x82, key[0], key[1], key[2], key[3], (byte)(0x03 ^ key[0]), (byte)(0xEF ^ key[1])];
        }
        else
        {
            frame = [0x88, 0x02, 0x03, 0xEF];
        }
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await Inner.WriteAsync(frame, timeout.Token).ConfigureAwait(false);
            await Inner.FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer is gone already: the read fails all the same.
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _writeLock.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>The peer sent a text message that is not UTF-8; a Close 1007 was sent.</summary>
internal sealed class InvalidUtf8Exception : IOException
{
    public InvalidUtf8Exception()
        : base("the peer sent a text message that is not valid UTF-8; the connection was closed (1007).")
    {
    }
}
