using System.Diagnostics;

namespace PSNetTools.Engine.Messaging;

/// <summary>
/// Reads replies from one connection: wait for the first byte, then take bytes until the peer closes or goes quiet.
/// A read that outlives the quiet period is kept for the next reply instead of being cancelled, because cancelling
/// a read can leave an SslStream unusable.
/// </summary>
internal sealed class ReplyReader
{
    private readonly Func<Memory<byte>, CancellationToken, ValueTask<int>> _receive;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private readonly CancellationToken _lifetime;
    private Task<int>? _pending;

    public ReplyReader(Func<Memory<byte>, CancellationToken, ValueTask<int>> receive, CancellationToken lifetime)
    {
        _receive = receive;
        _lifetime = lifetime;
    }

    public bool PeerClosed { get; private set; }

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
            collected.Write(_buffer, 0, read);
        }
        return (collected.ToArray(), "PeerClosed", firstByteMs);
    }
}
