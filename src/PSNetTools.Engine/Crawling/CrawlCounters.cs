namespace PSNetTools.Engine.Crawling;

/// <summary>Live counters for Write-Progress; safe to read from any thread.</summary>
public sealed class CrawlCounters
{
    private long _done;
    private long _queued;

    public long PagesDone => Interlocked.Read(ref _done);

    public long Queued => Interlocked.Read(ref _queued);

    internal void Done() => Interlocked.Increment(ref _done);

    internal void Queue(long delta) => Interlocked.Add(ref _queued, delta);
}
