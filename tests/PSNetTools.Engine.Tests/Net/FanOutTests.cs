using PSNetTools.Engine.Net;

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
}
