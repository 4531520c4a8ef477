using PSNetTools.Net;

namespace PSNetTools.Engine.Tests.Net;

public class FanOutTests
{
    [Fact]
    public async Task A_consumer_that_stops_early_stops_the_workers()
    {
        // No cancellation token at all: leaving the loop alone must cancel the work still running (it used to run on,
        // or wait on the full channel, forever).
        var started = 0;
        var running = 0;
        var cancelled = 0;
        await foreach (var outcome in FanOut.RunAsync(["127.0.0.1-127.0.0.100"], 8, async (target, ct) =>
        {
            Interlocked.Increment(ref started);
            Interlocked.Increment(ref running);
            try
            {
                if (target.Address.ToString() != "127.0.0.1") await Task.Delay(Timeout.Infinite, ct);
                return Outcome.Success(target.Address.ToString());
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref cancelled);
                throw;
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        }))
        {
            Assert.Equal("127.0.0.1", outcome.Value);
            break;
        }
        Assert.Equal(0, Volatile.Read(ref running));
        // Every worker started besides the one that answered was cancelled (how many had started depends on timing).
        Assert.True(cancelled >= 1, "no worker was left to cancel");
        Assert.Equal(started - 1, cancelled);
    }

    [Fact]
    public async Task Results_come_in_input_order_while_the_throttle_stays_full()
    {
        // Item 0 is the slowest, and every item is slower than the next: completion order is the reverse of input order.
        var running = 0;
        var peak = 0;
        var order = new List<int>();
        await foreach (var i in FanOut.ForEachAsync(Enumerable.Range(0, 40), 8, async (i, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Delay(5 * (40 - i), ct);
            Interlocked.Decrement(ref running);
            return i;
        }))
        {
            order.Add(i);
        }
        Assert.Equal(Enumerable.Range(0, 40), order);
        Assert.Equal(8, peak);
    }

    [Fact]
    public async Task A_slow_first_item_does_not_stop_the_others_from_running()
    {
        // The head takes 1 s; with a throttle of 4, the 60 fast items behind it must all run meanwhile (held in the
        // window, which holds the throttle + 64, and written after it), not wait for it four at a time.
        var finishedBeforeHead = 0;
        var headDone = false;
        var first = true;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await foreach (var i in FanOut.ForEachAsync(Enumerable.Range(0, 61), 4, async (i, ct) =>
        {
            if (i == 0)
            {
                await Task.Delay(1000, ct);
                Volatile.Write(ref headDone, true);
                return i;
            }
            await Task.Delay(1, ct);
            if (!Volatile.Read(ref headDone)) Interlocked.Increment(ref finishedBeforeHead);
            return i;
        }))
        {
            if (first) Assert.Equal(0, i);
            first = false;
        }
        Assert.Equal(60, finishedBeforeHead);
    }

    [Fact]
    public async Task A_failing_item_fails_at_its_place_after_the_results_before_it()
    {
        var seen = new List<int>();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var i in FanOut.ForEachAsync(Enumerable.Range(0, 10), 4, async (i, ct) =>
            {
                await Task.Delay(10 * (10 - i), ct);
                return i == 5 ? throw new InvalidOperationException("item 5") : i;
            }))
            {
                seen.Add(i);
            }
        });
        Assert.Equal("item 5", ex.Message);
        Assert.Equal([0, 1, 2, 3, 4], seen);
    }

    [Fact]
    public async Task Requests_run_hosts_then_ports_with_their_own_options_and_one_failure_per_bad_target()
    {
        FanOutRequest<int>[] requests =
        [
            new(["127.0.0.1-127.0.0.2"], [7, 9]),
            new(["256.0.0.1", "127.0.0.3"], [80]),
        ];
        var rows = new List<string>();
        await foreach (var o in FanOut.RunAsync(requests, 16, async (target, port, ct) =>
        {
            await Task.Delay(port == 7 ? 50 : 1, ct);
            return Outcome.Success(target.Describe(port));
        }))
        {
            rows.Add(o.Failure is { } f ? "failed " + f.Target : o.Value!);
        }
        Assert.Equal(["127.0.0.1:7", "127.0.0.1:9", "127.0.0.2:7", "127.0.0.2:9", "failed 256.0.0.1", "127.0.0.3:80"], rows);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
