using System.Diagnostics;

namespace PSNetTools.Resilience;

/// <summary>
/// Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"):
/// try n waits a random time in [0, min(MaxDelay, BaseDelay * 2^n)), or as long as the server asked (Retry-After).
/// Only transient failures are retried, and the whole operation never runs past <see cref="MaxTotalTime"/>.
/// The one retry loop of the engine: failures that throw and answers that say "later" (a 503) both go through it.
/// </summary>
public sealed record RetryPolicy
{
    public static RetryPolicy None { get; } = new() { MaxRetries = 0 };

    /// <summary>Retries after the first attempt (0 = try once).</summary>
    public int MaxRetries { get; init; }

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>No new attempt starts once this much time has passed since the first, nor one whose wait would end past it.</summary>
    public TimeSpan MaxTotalTime { get; init; } = TimeSpan.FromMinutes(2);

    public Func<Exception, bool> IsTransient { get; init; } = TransientFailures.IsTransient;

    /// <summary>Source of jitter in [0, 1); replaceable so tests can pin the delays.</summary>
    public Func<double> Jitter { get; init; } = Random.Shared.NextDouble;

    /// <summary>The delay before retry number <paramref name="retry"/> (0-based).</summary>
    public TimeSpan DelayFor(int retry)
    {
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 30)));
        return TimeSpan.FromMilliseconds(ceiling * Jitter());
    }

    /// <summary>Runs <paramref name="operation"/> (given the attempt number, from 1) until it succeeds, fails for good, or time runs out.</summary>
    /// <param name="onRetry">Told of each failure that will be retried and the delay before the next attempt.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>The last failure is rethrown as it was when it is not transient or no retry is left.</remarks>
    public Task<T> ExecuteAsync<T>(
        Func<int, CancellationToken, Task<T>> operation,
        Action<int, Exception, TimeSpan>? onRetry = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return RunAsync(operation, null, onRetry is null ? null : step => onRetry(step.Attempt, step.Failure!, step.Delay), cancellationToken);
    }

    /// <summary>
    /// Like <see cref="ExecuteAsync{T}(Func{int, CancellationToken, Task{T}}, Action{int, Exception, TimeSpan}?, CancellationToken)"/>,
    /// and a result <paramref name="judge"/> calls transient (a 503, a 429) is tried again too, after the delay the
    /// server asked for when it asked for one. Gives back the last result when no retry is left.
    /// </summary>
    /// <param name="onRetry">Told of each retry, and of a server's wait that would end past <see cref="MaxTotalTime"/> (then nothing more is tried).</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<T> ExecuteAsync<T>(
        Func<int, CancellationToken, Task<T>> operation,
        Func<T, RetryVerdict> judge,
        Action<RetryStep>? onRetry = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(judge);
        return RunAsync(operation, judge, onRetry, cancellationToken);
    }

    private async Task<T> RunAsync<T>(
        Func<int, CancellationToken, Task<T>> operation, Func<T, RetryVerdict>? judge, Action<RetryStep>? onRetry, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            T result;
            try
            {
                result = await operation(attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsTransient(ex) && Next(attempt, clock.Elapsed, null, out var delay))
            {
                onRetry?.Invoke(new RetryStep(attempt, delay, ex, ServerAsked: false, BeyondLimit: false));
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                continue;
            }
            var verdict = judge?.Invoke(result) ?? default;
            if (!verdict.Retry || attempt > MaxRetries) return result;
            if (!Next(attempt, clock.Elapsed, verdict.After, out var wait))
            {
                // Only worth telling when the server's own wait is what stopped it; a spent budget is the usual end.
                if (verdict.After is { } asked)
                {
                    onRetry?.Invoke(new RetryStep(attempt, asked, null, ServerAsked: true, BeyondLimit: true));
                }
                return result;
            }
            onRetry?.Invoke(new RetryStep(attempt, wait, null, verdict.After is not null, BeyondLimit: false));
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    // Whether attempt + 1 may start, and after how long: the server's wait or the backoff, within the total time.
    private bool Next(int attempt, TimeSpan elapsed, TimeSpan? after, out TimeSpan delay)
    {
        delay = after ?? DelayFor(attempt - 1);
        return attempt <= MaxRetries && elapsed + delay < MaxTotalTime;
    }
}

/// <summary>What a result says about another try: whether it may go better, and how long the server asked to wait.</summary>
public readonly record struct RetryVerdict(bool Retry, TimeSpan? After = null)
{
    public static RetryVerdict Final => default;

    public static RetryVerdict Again(TimeSpan? after = null) => new(true, after);
}

/// <summary>One retry about to happen (or, with <paramref name="BeyondLimit"/>, one that will not: the wait would end past the time limit).</summary>
/// <param name="Attempt">The attempt that failed, from 1.</param>
/// <param name="Delay">The wait before the next attempt (with BeyondLimit: the wait the server asked for).</param>
/// <param name="Failure">The exception of the failed attempt; null when it was an answer (a 503).</param>
/// <param name="ServerAsked">The delay is the server's Retry-After.</param>
public readonly record struct RetryStep(int Attempt, TimeSpan Delay, Exception? Failure, bool ServerAsked, bool BeyondLimit);
