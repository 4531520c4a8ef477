namespace PSNetTools.Scanning;

/// <summary>
/// Bounds what a scan holds: the producer takes one credit per probe before it is queued, and the credit comes back
/// when the probe is finished with (at once for a probe with nothing to report; when the consumer takes the row for
/// one that has a row). So queued probes, connects in flight, rows held for ordering and rows not yet taken by the
/// consumer are at most <c>capacity</c> together: a consumer that reads slowly slows the scan instead of letting the
/// rows pile up in memory. One producer; any thread may return credits. Lock-free except when the producer waits.
/// </summary>
internal sealed class RowCredits(int capacity)
{
    private readonly object _gate = new();
    private long _used;
    private TaskCompletionSource? _waiter;

    public int Capacity { get; } = Math.Max(1, capacity);

    /// <summary>Credits taken and not yet returned.</summary>
    public long InUse => Interlocked.Read(ref _used);

    public ValueTask TakeAsync(CancellationToken cancellationToken) =>
        Interlocked.Increment(ref _used) <= Capacity ? ValueTask.CompletedTask : WaitAsync(cancellationToken);

    public void Return()
    {
        // Full fence, then the read of the waiter: with the producer's publish-then-check below, one of the two sees
        // the other, so a wake-up is never lost.
        if (Interlocked.Decrement(ref _used) > Capacity || Volatile.Read(ref _waiter) is null) return;
        TaskCompletionSource? wake;
        lock (_gate)
        {
            wake = _waiter;
            _waiter = null;
        }
        wake?.TrySetResult();
    }

    // The credit is already counted (over the capacity): wait until enough came back for it to fit.
    private async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TaskCompletionSource waiter;
            lock (_gate)
            {
                waiter = _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            Interlocked.MemoryBarrier();
            if (Interlocked.Read(ref _used) <= Capacity) return;
            await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
