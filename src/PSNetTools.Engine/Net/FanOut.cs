using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace PSNetTools.Net;

/// <summary>
/// The one fan-out of the module: runs work items of any type, <c>throttleLimit</c> at a time, and streams the results
/// in input order, each as soon as every item before it is done (an ordered window). Items finished behind a slow one
/// are held, up to a bounded window, while the throttle keeps starting new ones, so one slow target costs order, not
/// concurrency. Targets are expanded lazily, so a large block is never materialised.
/// </summary>
public static class FanOut
{
    /// <summary>
    /// The ordered core. A work item's exception surfaces at that item's place in the output, after the results before
    /// it; the items still running are then cancelled. Leaving the enumeration early cancels and awaits the rest.
    /// </summary>
    public static async IAsyncEnumerable<TResult> ForEachAsync<TItem, TResult>(
        IAsyncEnumerable<TItem> items,
        int throttleLimit,
        Func<TItem, CancellationToken, Task<TResult>> work,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(work);
        var limit = Math.Max(1, throttleLimit);
        // Our own token: a consumer that stops reading early (break, a downstream that has enough) must stop the workers too.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(limit);
        // Started items in input order; its capacity bounds how many finished results wait behind a slow one.
        var window = Channel.CreateBounded<Task<TResult>>(new BoundedChannelOptions(WindowSize(limit)) { SingleReader = true, SingleWriter = true });
        var producer = ProduceAsync(items, work, slots, window.Writer, stop.Token);
        var finished = false;
        try
        {
            await foreach (var started in window.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return await started.ConfigureAwait(false);
            }
            finished = true;
        }
        finally
        {
            if (!finished) await stop.CancelAsync().ConfigureAwait(false);
            // No socket may outlive the enumeration: wait for the producer and every item it started.
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            while (window.Reader.TryRead(out var left))
            {
                try
                {
                    await left.ConfigureAwait(false);
                }
#pragma warning disable CA1031 // Leaving early: what the abandoned items fail with no longer matters to anyone.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }
        }
    }

    /// <inheritdoc cref="ForEachAsync{TItem, TResult}(IAsyncEnumerable{TItem}, int, Func{TItem, CancellationToken, Task{TResult}}, CancellationToken)"/>
    public static IAsyncEnumerable<TResult> ForEachAsync<TItem, TResult>(
        IEnumerable<TItem> items, int throttleLimit, Func<TItem, CancellationToken, Task<TResult>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        return ForEachAsync(Async(items), throttleLimit, work, cancellationToken);
    }

    /// <summary>One piece of work per target address, in the order the targets were given; a bad target is its failure, in its place.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>A target that does not parse, resolve or answer is a failed outcome in its place; an exception a work item throws surfaces at its place.</remarks>
    public static IAsyncEnumerable<Outcome<T>> RunAsync<T>(
        IEnumerable<string> computerNames,
        int throttleLimit,
        Func<ResolvedTarget, CancellationToken, Task<Outcome<T>>> work,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(computerNames);
        ArgumentNullException.ThrowIfNull(work);
        return RunAsync<bool, T>([new FanOutRequest<bool>([.. computerNames], [true])], throttleLimit, (target, _, ct) => work(target, ct), null, cancellationToken);
    }

    /// <summary>
    /// Every request's addresses × its per-target options, in request order, then address order, then option order
    /// (host order, then port order). A target that does not parse or resolve is one failure in its place, not one per
    /// port. <paramref name="log"/> hears which address each name resolved to.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>A target that does not parse, resolve or answer is a failed outcome in its place; an exception a work item throws surfaces at its place.</remarks>
    public static IAsyncEnumerable<Outcome<T>> RunAsync<TOptions, T>(
        IEnumerable<FanOutRequest<TOptions>> requests,
        int throttleLimit,
        Func<ResolvedTarget, TOptions, CancellationToken, Task<Outcome<T>>> work,
        Action<string>? log = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(work);
        // The token reaches the expansion through ForEachAsync (WithCancellation), linked with the stop of an early exit.
        return ForEachAsync(Expand(requests, log, CancellationToken.None), throttleLimit,
            (item, ct) => item.Failure is { } failure ? Task.FromResult(Outcome.Failed<T>(failure)) : work(item.Target, item.Options!, ct),
            cancellationToken);
    }

    private static async IAsyncEnumerable<(ResolvedTarget Target, TOptions? Options, TargetFailure? Failure)> Expand<TOptions>(
        IEnumerable<FanOutRequest<TOptions>> requests, Action<string>? log, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var request in requests)
        {
            await foreach (var target in TargetExpansion.ExpandAsync(request.ComputerNames, log, cancellationToken).ConfigureAwait(false))
            {
                if (target.Failure is { } failure)
                {
                    yield return (default, default, failure);
                    continue;
                }
                foreach (var options in request.PerTarget) yield return (target.Value, options, null);
            }
        }
    }

    // Twice the throttle, and never less than 64 ahead: room for results to wait behind a slow item while the
    // throttle stays full, without holding an unbounded backlog when the consumer is slow.
    private static int WindowSize(int limit) => Math.Max(limit * 2, limit + 64);

    private static async Task ProduceAsync<TItem, TResult>(IAsyncEnumerable<TItem> items, Func<TItem, CancellationToken, Task<TResult>> work,
        SemaphoreSlim slots, ChannelWriter<Task<TResult>> window, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            await foreach (var item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                // Room first: the only writer, so room seen here is still there when the started item is written.
                if (!await window.WaitToWriteAsync(cancellationToken).ConfigureAwait(false)) break;
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                window.TryWrite(RunOneAsync(item, work, slots, cancellationToken));
            }
        }
#pragma warning disable CA1031 // Not swallowed: it completes the window, and the consumer rethrows it after the items before it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = ex;
        }
        finally
        {
            window.TryComplete(failure);
        }
    }

    private static async Task<TResult> RunOneAsync<TItem, TResult>(TItem item, Func<TItem, CancellationToken, Task<TResult>> work, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        try
        {
            // On the pool: a work item's synchronous part (a handshake's chain building) must not hold up the others.
            return await Task.Run(() => work(item, cancellationToken), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }

    private static async IAsyncEnumerable<T> Async<T>(IEnumerable<T> items)
    {
        foreach (var item in items) yield return item;
        await Task.CompletedTask.ConfigureAwait(false);
    }
}
