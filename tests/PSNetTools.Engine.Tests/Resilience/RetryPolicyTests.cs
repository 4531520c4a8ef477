using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using PSNetTools.Resilience;

namespace PSNetTools.Engine.Tests.Resilience;

public class RetryPolicyTests
{
    // Pinned jitter so the delays are known: full jitter draws in [0, ceiling), 0.5 lands in the middle.
    private static RetryPolicy Fast(int retries) => new()
    {
        MaxRetries = retries,
        BaseDelay = TimeSpan.FromMilliseconds(10),
        MaxDelay = TimeSpan.FromMilliseconds(40),
        Jitter = () => 0.5,
    };

    [Fact]
    public async Task A_refused_connection_is_retried_until_the_server_comes_up()
    {
        // A real refusal from the loopback stack, then a real listener on the same port.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        TcpListener? late = null;
        var retries = new List<(int Attempt, Exception Error)>();
        try
        {
            var attempts = await Fast(5).ExecuteAsync(
                async (attempt, ct) =>
                {
                    if (attempt == 3)
                    {
                        late = new TcpListener(IPAddress.Loopback, port);
                        late.Start();
                    }
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port, ct);
                    return attempt;
                },
                (attempt, ex, _) => retries.Add((attempt, ex)));

            Assert.Equal(3, attempts);
            Assert.Equal([1, 2], retries.Select(r => r.Attempt));
            Assert.All(retries, r => Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(r.Error).SocketErrorCode));
        }
        finally
        {
            late?.Stop();
        }
    }

    [Fact]
    public async Task An_unknown_host_is_not_retried()
    {
        var calls = 0;
        var ex = await Assert.ThrowsAsync<SocketException>(() => Fast(5).ExecuteAsync<int>((_, _) =>
        {
            calls++;
            throw new SocketException((int)SocketError.HostNotFound);
        }));
        Assert.Equal(SocketError.HostNotFound, ex.SocketErrorCode);
        Assert.Equal(1, calls);
    }

    [Theory]
    [InlineData(typeof(AuthenticationException))]
    [InlineData(typeof(ArgumentException))]
    [InlineData(typeof(InvalidOperationException))]
    [InlineData(typeof(UnauthorizedAccessException))]
    public async Task Failures_of_the_request_itself_are_not_retried(Type type)
    {
        var calls = 0;
        await Assert.ThrowsAsync(type, () => Fast(5).ExecuteAsync<int>((_, _) =>
        {
            calls++;
            throw (Exception)Activator.CreateInstance(type, "boom")!;
        }));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Retries_stop_after_MaxRetries_and_the_last_failure_surfaces()
    {
        var calls = 0;
        var ex = await Assert.ThrowsAsync<TimeoutException>(() => Fast(2).ExecuteAsync<int>((attempt, _) =>
        {
            calls++;
            throw new TimeoutException($"attempt {attempt}");
        }));
        Assert.Equal(3, calls);
        Assert.Equal("attempt 3", ex.Message);
    }

    [Fact]
    public async Task None_tries_exactly_once()
    {
        var calls = 0;
        await Assert.ThrowsAsync<TimeoutException>(() => RetryPolicy.None.ExecuteAsync<int>((_, _) =>
        {
            calls++;
            throw new TimeoutException();
        }));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task No_attempt_starts_past_the_total_time_cap()
    {
        var policy = new RetryPolicy
        {
            MaxRetries = 1000,
            BaseDelay = TimeSpan.FromMilliseconds(50),
            MaxDelay = TimeSpan.FromMilliseconds(50),
            MaxTotalTime = TimeSpan.FromMilliseconds(400),
            Jitter = () => 0.99,
        };
        var calls = 0;
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<TimeoutException>(() => policy.ExecuteAsync<int>((_, _) =>
        {
            calls++;
            throw new TimeoutException();
        }));
        watch.Stop();
        Assert.InRange(calls, 2, 9);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Delays_grow_exponentially_under_the_cap_with_full_jitter()
    {
        var top = new RetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(1), Jitter = () => 0.999999 };
        Assert.Equal(100, top.DelayFor(0).TotalMilliseconds, 0);
        Assert.Equal(200, top.DelayFor(1).TotalMilliseconds, 0);
        Assert.Equal(400, top.DelayFor(2).TotalMilliseconds, 0);
        Assert.Equal(1000, top.DelayFor(10).TotalMilliseconds, 0);
        Assert.Equal(1000, top.DelayFor(int.MaxValue).TotalMilliseconds, 0);

        var bottom = top with { Jitter = () => 0 };
        Assert.Equal(TimeSpan.Zero, bottom.DelayFor(5));

        // The real jitter spreads delays over the whole window rather than bunching them at the ceiling.
        var real = new RetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(10) };
        var samples = Enumerable.Range(0, 500).Select(_ => real.DelayFor(3).TotalMilliseconds).ToArray();
        Assert.All(samples, d => Assert.InRange(d, 0, 800));
        Assert.True(samples.Min() < 200 && samples.Max() > 600, $"jitter range {samples.Min()}..{samples.Max()}");
    }

    [Fact]
    public async Task Cancellation_during_the_backoff_stops_at_once()
    {
        var policy = new RetryPolicy { MaxRetries = 5, BaseDelay = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromSeconds(30), Jitter = () => 0.99 };
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var calls = 0;
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => policy.ExecuteAsync<int>((_, _) =>
        {
            calls++;
            throw new TimeoutException();
        }, cancellationToken: cts.Token));
        Assert.Equal(1, calls);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData(SocketError.ConnectionRefused, true)]
    [InlineData(SocketError.ConnectionReset, true)]
    [InlineData(SocketError.TimedOut, true)]
    [InlineData(SocketError.HostUnreachable, true)]
    [InlineData(SocketError.TryAgain, true)]
    [InlineData(SocketError.HostNotFound, false)]
    [InlineData(SocketError.AccessDenied, false)]
    [InlineData(SocketError.AddressAlreadyInUse, false)]
    [InlineData(SocketError.AddressNotAvailable, false)]
    public void Socket_errors_are_classified(SocketError error, bool transient) =>
        Assert.Equal(transient, TransientFailures.IsTransient(new SocketException((int)error)));

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.NotImplemented, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    public void Http_statuses_are_classified(HttpStatusCode status, bool transient) =>
        Assert.Equal(transient, TransientFailures.IsTransient(new HttpRequestException("x", null, status)));

    [Fact]
    public void Wrapped_failures_are_classified_by_their_cause()
    {
        Assert.True(TransientFailures.IsTransient(new IOException("reset", new SocketException((int)SocketError.ConnectionReset))));
        Assert.False(TransientFailures.IsTransient(new IOException("auth", new AuthenticationException())));
        Assert.True(TransientFailures.IsTransient(new IOException("dropped mid-stream")));
        Assert.True(TransientFailures.IsTransient(new HttpRequestException("refused", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.False(TransientFailures.IsTransient(new HttpRequestException("dns", new SocketException((int)SocketError.HostNotFound))));
        Assert.False(TransientFailures.IsTransient(new AggregateException(new TimeoutException(), new AuthenticationException())));
        Assert.True(TransientFailures.IsTransient(new AggregateException(new TimeoutException(), new IOException())));
    }
}

/// <summary>The result form of the one retry loop: answers that say "later", the server's wait, the total-time cap.</summary>
public class RetryPolicyResultTests
{
    private static RetryPolicy Policy(int retries, TimeSpan total) => new()
    {
        MaxRetries = retries,
        BaseDelay = TimeSpan.FromMilliseconds(1),
        MaxDelay = TimeSpan.FromMilliseconds(1),
        MaxTotalTime = total,
        Jitter = () => 0.5,
    };

    [Fact]
    public async Task A_result_judged_transient_is_retried_after_the_wait_it_asked_for()
    {
        var steps = new List<RetryStep>();
        var watch = Stopwatch.StartNew();
        var last = await Policy(3, TimeSpan.FromMinutes(1)).ExecuteAsync(
            (attempt, _) => Task.FromResult(attempt),
            attempt => attempt < 3 ? RetryVerdict.Again(TimeSpan.FromMilliseconds(300)) : RetryVerdict.Final,
            steps.Add);
        Assert.Equal(3, last);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(550));
        Assert.Equal([1, 2], steps.Select(s => s.Attempt));
        Assert.All(steps, s => Assert.True(s.ServerAsked && !s.BeyondLimit && s.Delay == TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task A_wait_past_the_total_time_ends_the_retries_with_the_last_result()
    {
        var steps = new List<RetryStep>();
        var watch = Stopwatch.StartNew();
        var last = await Policy(5, TimeSpan.FromSeconds(2)).ExecuteAsync(
            (attempt, _) => Task.FromResult(attempt),
            _ => RetryVerdict.Again(TimeSpan.FromSeconds(10)),
            steps.Add);
        Assert.Equal(1, last);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1));
        var step = Assert.Single(steps);
        Assert.True(step.BeyondLimit);
        Assert.Equal(TimeSpan.FromSeconds(10), step.Delay);
    }

    [Fact]
    public async Task The_retry_count_still_bounds_a_result_that_stays_transient()
    {
        var last = await Policy(2, TimeSpan.FromMinutes(1)).ExecuteAsync((attempt, _) => Task.FromResult(attempt), _ => RetryVerdict.Again(), null);
        Assert.Equal(3, last);
    }

    [Fact]
    public async Task Transient_exceptions_go_through_the_same_loop()
    {
        var last = await Policy(2, TimeSpan.FromMinutes(1)).ExecuteAsync(
            (attempt, _) => attempt < 2 ? throw new TimeoutException() : Task.FromResult(attempt),
            _ => RetryVerdict.Final,
            null);
        Assert.Equal(2, last);
    }
}
