using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace PSNetTools.Engine.Net;

/// <summary>
/// Runs one piece of work per target address, <c>throttleLimit</c> at a time, and streams each outcome as soon as it
/// is done (not in input order). Targets are expanded lazily, so a large block is never materialised.
/// </summary>
public static class FanOut
{
    public static async IAsyncEnumerable<Outcome<T>> RunAsync<T>(
        IEnumerable<string> computerNames,
        int throttleLimit,
        Func<ResolvedTarget, CancellationToken, Task<Outcome<T>>> work,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        // Our own token: a consumer that stops reading early (break, Select-Object -First) must stop the workers too,
        // or they would wait forever on the full channel.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var results = Channel.CreateBounded<Outcome<T>>(new BoundedChannelOptions(Math.Max(64, throttleLimit)) { SingleReader = true });
        var running = Parallel.ForEachAsync(
            TargetExpansion.ExpandAsync(computerNames, stop.Token),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, throttleLimit), CancellationToken = stop.Token },
            async (target, ct) =>
            {
                var outcome = target.Failure is null ? await work(target.Value, ct).ConfigureAwait(false) : Outcome.Failed<T>(target.Failure);
                await results.Writer.WriteAsync(outcome, ct).ConfigureAwait(false);
            });
        _ = running.ContinueWith(t => results.Writer.TryComplete(t.Exception?.InnerException), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        var finished = false;
        try
        {
            await foreach (var outcome in results.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false)) yield return outcome;
            finished = true;
        }
        finally
        {
            if (!finished)
            {
                await stop.CancelAsync().ConfigureAwait(false);
                try
                {
                    await running.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
        await running.ConfigureAwait(false);
    }
}
