namespace PSNetTools.Resilience;

/// <summary>
/// Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"):
/// try n waits a random time in [0, min(MaxDelay, BaseDelay * 2^n)). Only transient failures are retried,
/// and the whole operation never runs past <see cref="MaxTotalTime"/>.
/// </summary>
public sealed record RetryPolicy
{
    public static RetryPolicy None { get; } = new() { MaxRetries = 0 };

    /// <summary>Retries after the first attempt (0 = try once).</summary>
    public int MaxRetries { get; init; }

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>No new attempt starts once this much time has passed since the first.</summary>
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
    public async Task<T> ExecuteAsync<T>(
        Func<int, CancellationToken, Task<T>> operation,
        Action<int, Exception, TimeSpan>? onRetry = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var started = DateTime.UtcNow;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await operation(attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && attempt <= MaxRetries && IsTransient(ex))
            {
                var delay = DelayFor(attempt - 1);
                if (DateTime.UtcNow - started + delay >= MaxTotalTime) throw;
                onRetry?.Invoke(attempt, ex, delay);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
