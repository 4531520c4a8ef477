using System.Diagnostics;
using System.Globalization;
using PSNetTools.Net;

namespace PSNetTools.Transport;

/// <summary>
/// Reads replies from one connection: wait for the first byte, then take bytes until the peer closes or goes quiet.
/// A read that outlives the quiet period is kept for the next reply instead of being cancelled, because cancelling
/// a read can leave an SslStream unusable.
/// </summary>
internal sealed class ReplyReader
{
    private readonly Func<Memory<byte>, CancellationToken, ValueTask<int>> _receive;
    private readonly byte[] _buffer;
    private readonly CancellationToken _lifetime;
    private Task<int>? _pending;

    /// <param name="bufferSize">What one receive may return: 16 KB for a stream; a whole datagram (64 KB) for UDP, whose excess would be lost.</param>
    public ReplyReader(Func<Memory<byte>, CancellationToken, ValueTask<int>> receive, CancellationToken lifetime, int bufferSize = 16 * 1024)
    {
        _buffer = new byte[bufferSize];
        _receive = receive;
        _lifetime = lifetime;
    }

    /// <summary>The completion of a reply that passed <see cref="MessageOptions.MaxReplyBytes"/>: its bytes are dropped, the exchange ends.</summary>
    public const string TooLarge = "TooLarge";

    public bool PeerClosed { get; private set; }

    /// <summary>The ReplyTooLarge failure: which limit stopped the exchange.</summary>
    public static TargetFailure TooLargeFailure(string where, int sequence, MessageOptions options) =>
        new(where, "ReplyTooLarge", FailureKind.LimitExceeded, string.Create(CultureInfo.InvariantCulture,
            $"{where}: the reply to message {sequence} passed the limit of {options.MaxReplyBytes:N0} bytes a reply may hold (MaxReplyBytes); it was dropped and the exchange ended."));

    public async Task<(byte[] Bytes, string Completion, double FirstByteMs)> ReadAsync(MessageOptions options, Stopwatch sinceSend, CancellationToken cancellationToken)
    {
        using var collected = new MemoryStream();
        var firstByteMs = 0.0;
        while (!PeerClosed)
        {
            var wait = collected.Length == 0 ? options.ReadTimeout : options.QuietPeriod;
            _pending ??= _receive(_buffer, _lifetime).AsTask();
            var finished = await Task.WhenAny(_pending, Task.Delay(wait, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (finished != _pending) return (collected.ToArray(), collected.Length == 0 ? "NoReply" : "Quiet", firstByteMs);
            var read = await _pending.ConfigureAwait(false);
            _pending = null;
            if (read == 0)
            {
                PeerClosed = true;
                break;
            }
            if (collected.Length == 0) firstByteMs = sinceSend.Elapsed.TotalMilliseconds;
            // Checked before the bytes are kept: memory stays within the limit however fast the peer sends.
            if (collected.Length + read > options.MaxReplyBytes) return ([], TooLarge, firstByteMs);
            collected.Write(_buffer, 0, read);
        }
        return (collected.ToArray(), "PeerClosed", firstByteMs);
    }
}
