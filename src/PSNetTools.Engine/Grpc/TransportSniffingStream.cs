using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using PSNetTools.Net;

namespace PSNetTools.Grpc;

/// <summary>
/// The connection under a gRPC channel. It looks at the first bytes the server sends, because a client that speaks
/// plaintext HTTP/2 to a TLS port (or TLS to an h2c port) otherwise learns only "the connection closed" or "corrupted
/// frame", reported as Internal or Unavailable depending on timing. A TLS record starts 0x14-0x17 0x03; anything else
/// before the handshake is not TLS. A TLS server that drops a plaintext preface without a byte is told apart by one
/// TLS handshake on a second connection to the same endpoint.
/// </summary>
internal sealed class TransportSniffingStream(Stream inner, bool plaintext, DnsEndPoint endpoint) : WrappingStream(inner)
{
    private bool _sniffed;
    private Task<bool>? _speaksTls;

    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool plaintext, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new TransportSniffingStream(new NetworkStream(socket, ownsSocket: true), plaintext, endpoint);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // SslStream and the HTTP/2 reader wait for data with zero-byte reads: those return 0 without meaning the end.
        if (_sniffed || buffer.Length == 0) return await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        int read;
        try
        {
            read = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex) when (plaintext)
        {
            await ThrowIfTlsAsync(ex).ConfigureAwait(false);
            throw;
        }
        if (read == 0)
        {
            if (plaintext) await ThrowIfTlsAsync(null).ConfigureAwait(false);
            return 0;
        }
        _sniffed = true;
        var first = buffer.Span[..read];
        var looksTls = first[0] is >= 0x14 and <= 0x17 && (first.Length < 2 || first[1] == 0x03);
        if (plaintext && looksTls)
        {
            throw new TransportMismatchException(endpoint, serverSpeaksTls: true, "it answered the HTTP/2 preface with a TLS record");
        }
        if (!plaintext && !looksTls)
        {
            throw new TransportMismatchException(endpoint, serverSpeaksTls: false, Describe(first));
        }
        return read;
    }

    // A TLS server may reset the connection while the client is still writing its preface and first frames, so a
    // write can fail before any read does.
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await Inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex) when (plaintext && !_sniffed)
        {
            await ThrowIfTlsAsync(ex).ConfigureAwait(false);
            throw;
        }
    }

    // What a non-TLS answer to a ClientHello was, for the message: an h2c server answers with its SETTINGS frame.
    private static string Describe(ReadOnlySpan<byte> first)
    {
        if (first.Length >= 4 && first[3] == 0x04) return "it answered the TLS ClientHello with a plaintext HTTP/2 SETTINGS frame (h2c)";
        if (first.StartsWith("HTTP/"u8)) return "it answered the TLS ClientHello in plaintext HTTP/1.x";
        return $"it answered the TLS ClientHello with bytes that are not TLS (0x{first[0]:x2}...)";
    }

    private async Task ThrowIfTlsAsync(Exception? closed)
    {
        // A failed read and a failed write of the same connection ask once.
        _speaksTls ??= SpeaksTlsAsync(endpoint);
        if (await _speaksTls.ConfigureAwait(false))
        {
            throw new TransportMismatchException(endpoint, serverSpeaksTls: true, "it closed the plaintext connection, and a TLS handshake with it succeeds", closed);
        }
    }

    private static async Task<bool> SpeaksTlsAsync(DnsEndPoint endpoint)
    {
        using var timeout = new CancellationTokenSource(TlsProbe.Timeout);
        try
        {
            await using var tls = await TlsProbe.HandshakeAsync(endpoint, endpoint.Host, SslApplicationProtocol.Http2, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            return false;
        }
    }
}
