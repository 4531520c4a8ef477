namespace PSNetTools.Net;

/// <summary>
/// Runs one network wait under a timeout. The caller's token means "the user cancelled" (OperationCanceledException);
/// running out of time is a <see cref="TimeoutException"/>, so it is reported, and retried, as a timeout.
/// </summary>
public static class Deadline
{
    /// <exception cref="TimeoutException"><paramref name="wait"/> did not finish within <paramref name="timeout"/>; the message names <paramref name="what"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> wait, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wait);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            return await wait(timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{what}: no answer within {timeout.TotalSeconds:0.###} s.");
        }
    }

    /// <exception cref="TimeoutException"><paramref name="wait"/> did not finish within <paramref name="timeout"/>; the message names <paramref name="what"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task RunAsync(Func<CancellationToken, Task> wait, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wait);
        await RunAsync(async ct =>
        {
            await wait(ct).ConfigureAwait(false);
            return true;
        }, timeout, what, cancellationToken).ConfigureAwait(false);
    }
}
