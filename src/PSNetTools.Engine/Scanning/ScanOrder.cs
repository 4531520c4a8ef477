using System.Threading.Channels;
using PSNetTools.Net;

namespace PSNetTools.Scanning;

/// <summary>
/// Puts a scan's rows back into input order (host order, then port order) while the connect slots finish probes in any
/// order: each probe's sequence number is marked done, and rows are released as soon as every probe before them is
/// done. Done marks are bits, and only rows to report (open ports, or all with IncludeClosed) are held, so the window
/// can run far ahead of one slow (filtered) probe at the cost of a bit per probe: the slots keep their concurrency.
/// </summary>
internal sealed class ScanOrder(ChannelWriter<Outcome<PortScanResult>> output)
{
    /// <summary>How far (in probes) the scan may run ahead of the oldest unfinished probe: 2^20 bits, 128 KB.</summary>
    public const int Window = 1 << 20;

    private readonly ulong[] _done = new ulong[Window / 64];
    private readonly Dictionary<long, Outcome<PortScanResult>> _held = [];
    private readonly object _gate = new();
    private long _next;

    /// <summary>The oldest sequence number not yet released.</summary>
    public long Next => Interlocked.Read(ref _next);

    /// <summary>Marks <paramref name="sequence"/> done, with its row (null: nothing to report), and releases what is now in order.</summary>
    public void Done(long sequence, Outcome<PortScanResult>? row)
    {
        lock (_gate)
        {
            if (sequence != _next)
            {
                if (row is { } held) _held[sequence] = held;
                _done[(sequence & (Window - 1)) >> 6] |= 1UL << (int)(sequence & 63);
                return;
            }
            if (row is { } now) output.TryWrite(now);
            var next = sequence + 1;
            while (true)
            {
                ref var word = ref _done[(next & (Window - 1)) >> 6];
                var bit = 1UL << (int)(next & 63);
                if ((word & bit) == 0) break;
                word &= ~bit;
                if (_held.Count > 0 && _held.Remove(next, out var later)) output.TryWrite(later);
                next++;
            }
            Interlocked.Exchange(ref _next, next);
        }
    }

    /// <summary>The producer's side: waits until <paramref name="sequence"/> fits in the window.</summary>
    public async ValueTask WaitForRoomAsync(long sequence, CancellationToken cancellationToken)
    {
        // Rare (a million probes finished behind one that is still waiting for its timeout), so a short poll will do.
        while (sequence - Next >= Window) await Task.Delay(5, cancellationToken).ConfigureAwait(false);
    }
}
