namespace PSNetTools.Scraping;

/// <summary>Live counters for Write-Progress and the closing warnings; safe to read from any thread.</summary>
public sealed class CrawlCounters
{
    private long _done;
    private long _queued;
    private long _pagesOverLinkLimit;
    private long _linksOverPageLimit;
    private long _linksNotQueued;

    public long PagesDone => Interlocked.Read(ref _done);

    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>Pages with more links than MaximumLinksPerPage.</summary>
    public long PagesOverLinkLimit => Interlocked.Read(ref _pagesOverLinkLimit);

    /// <summary>Links beyond MaximumLinksPerPage on those pages: not followed.</summary>
    public long LinksOverPageLimit => Interlocked.Read(ref _linksOverPageLimit);

    /// <summary>New links not queued because MaxPages URLs were queued already.</summary>
    public long LinksNotQueued => Interlocked.Read(ref _linksNotQueued);

    internal void Done() => Interlocked.Increment(ref _done);

    internal void Queue(long delta) => Interlocked.Add(ref _queued, delta);

    internal void OverLinkLimit(long links)
    {
        Interlocked.Increment(ref _pagesOverLinkLimit);
        Interlocked.Add(ref _linksOverPageLimit, links);
    }

    internal void NotQueued(long links) => Interlocked.Add(ref _linksNotQueued, links);
}
