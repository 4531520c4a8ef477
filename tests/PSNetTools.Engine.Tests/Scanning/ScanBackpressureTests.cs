using PSNetTools.Scanning;

namespace PSNetTools.Engine.Tests.Scanning;

/// <summary>
/// Issue 11, point 3 (engine queues): a scan whose consumer reads slowly runs at most RowCapacity probes ahead of it,
/// instead of buffering every row of the scan in the engine while the pipeline catches up.
/// </summary>
[Collection(SocketCounting.Name)]
public class ScanBackpressureTests
{
    // 127.77.0.0/16 on one port: every probe is refused at once (nothing listens on those addresses), so an unbounded
    // scan races through the block in a second or two.
    private const string Block = "127.77.0.0/16";

    [Fact]
    public async Task A_slow_consumer_holds_the_scan_at_most_RowCapacity_probes_ahead()
    {
        var counters = new ScanCounters();
        var options = new PortScanOptions { Ports = [9], IncludeClosed = true, ThrottleLimit = 50, RowCapacity = 300, Timeout = TimeSpan.FromSeconds(1) };
        var taken = 0;
        long mostAhead = 0;
        await foreach (var row in PortScanner.ScanAsync([Block], options, counters))
        {
            Assert.Null(row.Failure);
            taken++;
            await Task.Delay(50);
            mostAhead = Math.Max(mostAhead, counters.ProbesDone - taken);
            if (taken == 20) break;
        }
        Assert.True(mostAhead <= 300, $"the scan ran {mostAhead:N0} probes ahead of a consumer that had taken {taken} rows");
        // ...and it still ran on while there was room: the bound is not a standstill.
        Assert.True(counters.ProbesDone >= 250, $"only {counters.ProbesDone} probes done");
    }

    [Fact]
    public async Task A_Log_that_waits_holds_no_connect_slot_and_gets_every_line_before_the_scan_ends()
    {
        // The cmdlet's Log posts to the bounded pipeline queue and waits while it is full. Called from the connect
        // callbacks, that held a slot (and its thread-pool thread) per waiting line; now one task writes the lines.
        var inLog = 0;
        var mostAtOnce = 0;
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var options = new PortScanOptions
        {
            Ports = [9],
            ThrottleLimit = 50,
            Log = line =>
            {
                var now = Interlocked.Increment(ref inLog);
                InterlockedMax(ref mostAtOnce, now);
                if (lines.Count < 20) Thread.Sleep(50);
                lines.Enqueue(line);
                Interlocked.Decrement(ref inLog);
            },
        };
        await foreach (var row in PortScanner.ScanAsync(["127.81.0.0-127.81.0.255"], options))
        {
            Assert.Fail($"nothing listens there, yet {row.Value?.Port} was reported");
        }
        Assert.Equal(1, mostAtOnce);
        // One line about the plan, and one tally per host, all written before the scan's end.
        Assert.Equal(256, lines.Count(l => l.Contains(" ports in ", StringComparison.Ordinal)));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen) return;
        }
    }

    [Fact]
    public async Task A_bounded_scan_still_yields_every_row_in_order()
    {
        var options = new PortScanOptions { Ports = [9, 10], IncludeClosed = true, ThrottleLimit = 20, RowCapacity = 40 };
        var rows = new List<PortScanResult>();
        var i = 0;
        await foreach (var row in PortScanner.ScanAsync(["127.78.0.0-127.78.0.255"], options))
        {
            rows.Add(row.Value!);
            // A consumer that pauses now and then, so the credits run out and come back many times.
            if (++i % 97 == 0) await Task.Delay(20);
        }
        Assert.Equal(512, rows.Count);
        var expected = Enumerable.Range(0, 256).SelectMany(n => new[] { ($"127.78.0.{n}", 9), ($"127.78.0.{n}", 10) });
        Assert.Equal(expected, rows.Select(r => (r.Address, r.Port)));
        Assert.All(rows, r => Assert.Equal(nameof(PortState.Closed), r.State));
    }
}
