namespace PSNetTools.Infrastructure;

/// <summary>
/// -ThrottleLimit for pipeline calls: up to <c>limit</c> items are worked on at once, and each item's output (held as
/// writes to replay) is written only after the output of the items before it, so results keep the input order.
/// </summary>
internal static class OrderedWindow
{
    public static async Task RunAsync<T>(IAsyncEnumerable<T> items, int limit, Func<T, Task<List<Action<PipelineSink>>>> start, PipelineSink sink)
    {
        var window = new Queue<Task<List<Action<PipelineSink>>>>();
        await foreach (var item in items.ConfigureAwait(false))
        {
            window.Enqueue(start(item));
            if (window.Count >= limit) Replay(await window.Dequeue().ConfigureAwait(false), sink);
        }
        while (window.Count > 0) Replay(await window.Dequeue().ConfigureAwait(false), sink);
    }

    private static void Replay(List<Action<PipelineSink>> held, PipelineSink sink)
    {
        foreach (var write in held) write(sink);
    }
}
