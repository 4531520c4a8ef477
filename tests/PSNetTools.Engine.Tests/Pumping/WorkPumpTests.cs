using System.Collections.Concurrent;
using System.Diagnostics;
using PSNetTools.Infrastructure.Pumping;

namespace PSNetTools.Engine.Tests.Pumping;

/// <summary>
/// The pump between a cmdlet's background work and its pipeline thread, without PowerShell: the owner (here a thread
/// of the test's own, standing for the pipeline thread) runs the writes; the work posts them from the thread pool.
/// </summary>
public class WorkPumpTests
{
    private static readonly string[] Interleaved = ["out 1", "error 1", "out 2", "out 3", "error 2", "out 4"];

    [Fact]
    public void Writes_run_on_the_owner_in_the_order_they_were_posted()
    {
        var seen = new List<int>();
        var threads = new HashSet<int>();
        OnOwner(() =>
        {
            using var pump = new WorkPump(CancellationToken.None, capacity: 16);
            pump.Start(async ct =>
            {
                for (var i = 0; i < 5000; i++)
                {
                    var n = i;
                    pump.Post(() =>
                    {
                        seen.Add(n);
                        threads.Add(Environment.CurrentManagedThreadId);
                    });
                    if (i % 500 == 0) await Task.Yield();
                }
            });
            pump.RunToEnd();
            Assert.Equal(Environment.CurrentManagedThreadId, Assert.Single(threads));
        });
        Assert.Equal(Enumerable.Range(0, 5000), seen);
    }

    [Fact]
    public void Errors_keep_their_place_among_the_output()
    {
        var seen = new List<string>();
        OnOwner(() =>
        {
            using var pump = new WorkPump(CancellationToken.None, capacity: 2);
            pump.Start(ct =>
            {
                foreach (var w in Interleaved) pump.Post(() => seen.Add(w));
                return Task.CompletedTask;
            });
            pump.RunToEnd();
        });
        Assert.Equal(Interleaved, seen);
    }

    [Fact]
    public void A_full_queue_makes_the_work_wait_until_the_owner_makes_room()
    {
        var posted = 0;
        var ran = 0;
        OnOwner(() =>
        {
            using var pump = new WorkPump(CancellationToken.None, capacity: 8);
            pump.Start(ct =>
            {
                for (var i = 0; i < 1000; i++)
                {
                    pump.Post(() => ran++);
                    Interlocked.Increment(ref posted);
                }
                return Task.CompletedTask;
            });
            // A consumer that is busy elsewhere: the work gets no further than the queue holds.
            Thread.Sleep(300);
            Assert.Equal(8, Volatile.Read(ref posted));
            Assert.Equal(8, pump.Queued);
            pump.RunToEnd();
        });
        Assert.Equal(1000, posted);
        Assert.Equal(1000, ran);
    }

    [Fact]
    public void A_slow_owner_sets_the_pace_and_the_queue_never_grows_past_its_capacity()
    {
        var maxQueued = 0;
        OnOwner(() =>
        {
            using var pump = new WorkPump(CancellationToken.None, capacity: 4);
            pump.Start(ct =>
            {
                for (var i = 0; i < 200; i++) pump.Post(() => Thread.Sleep(1));
                return Task.CompletedTask;
            });
            pump.Post(() => { }); // the owner's own posts never wait (it is the one that makes room)
            using var done = new CancellationTokenSource();
            var sampler = new Thread(() =>
            {
                while (!done.IsCancellationRequested)
                {
                    maxQueued = Math.Max(maxQueued, pump.Queued);
                    Thread.Sleep(1);
                }
            });
            sampler.Start();
            pump.RunToEnd();
            done.Cancel();
            sampler.Join();
        });
        // Capacity, plus the owner's one post that does not wait.
        Assert.InRange(maxQueued, 1, 5);
    }

    [Fact]
    public void The_owner_posting_to_its_own_full_queue_does_not_deadlock()
    {
        var ran = 0;
        OnOwner(() =>
        {
            using var pump = new WorkPump(CancellationToken.None, capacity: 1);
            var release = new TaskCompletionSource();
            pump.Start(_ => release.Task);
            // E.g. a synchronous continuation of the work running on the pipeline thread and writing a lot.
            for (var i = 0; i < 10; i++) Assert.True(pump.Post(() => ran++));
            release.SetResult();
            pump.RunToEnd();
        });
        Assert.Equal(10, ran);
    }

    [Fact]
    public void Completion_without_errors_runs_every_write_and_later_posts_are_dropped()
    {
        var ran = 0;
        OnOwner(() =>
        {
            using var pump = new WorkPump(CancellationToken.None);
            pump.Start(async ct =>
            {
                await Task.Delay(20, ct);
                pump.Post(() => ran++);
            });
            pump.RunToEnd();
            Assert.False(pump.Post(() => ran++));
        });
        Assert.Equal(1, ran);
    }

    [Fact]
    public void A_failed_work_is_reported_after_everything_it_wrote_before_failing()
    {
        var seen = new List<string>();
        OnOwner(() =>
        {
            using var pump = new WorkPump(CancellationToken.None, capacity: 2);
            pump.Start(async ct =>
            {
                for (var i = 1; i <= 5; i++)
                {
                    var n = i;
                    pump.Post(() => seen.Add($"reply {n}"));
                }
                await Task.Yield();
                throw new InvalidOperationException("the connection is gone");
            });
            var ex = Assert.Throws<PumpWorkException>(pump.RunToEnd);
            Assert.Equal("the connection is gone", Assert.IsType<InvalidOperationException>(ex.InnerException).Message);
        });
        Assert.Equal(["reply 1", "reply 2", "reply 3", "reply 4", "reply 5"], seen);
    }

    [Fact]
    public void CtrlC_stops_a_work_that_never_ends_within_a_second_even_when_it_waits_for_room()
    {
        var workSawCancel = false;
        var postsRefused = 0;
        var elapsed = TimeSpan.Zero;
        OnOwner(() =>
        {
            using var ctrlC = new CancellationTokenSource();
            using var pump = new WorkPump(ctrlC.Token, capacity: 4);
            pump.Start(async ct =>
            {
                try
                {
                    // Writes as fast as it can, forever; most of the time it waits for room.
                    while (true)
                    {
                        if (!pump.Post(() => Thread.Sleep(5))) Interlocked.Increment(ref postsRefused);
                        if (ct.IsCancellationRequested) await Task.Delay(Timeout.Infinite, ct);
                    }
                }
                catch (OperationCanceledException)
                {
                    workSawCancel = true;
                    throw;
                }
            });
            ctrlC.CancelAfter(200);
            var watch = Stopwatch.StartNew();
            Assert.ThrowsAny<OperationCanceledException>(pump.RunToEnd);
            elapsed = watch.Elapsed;
            Assert.True(pump.IsStopped);
            Assert.True(pump.Token.IsCancellationRequested);
        });
        Assert.True(elapsed < TimeSpan.FromSeconds(1.2), $"took {elapsed}");
        Assert.True(workSawCancel, "the work's token was not cancelled");
        Assert.True(postsRefused >= 1, "the work waiting for room was not released");
    }

    [Fact]
    public void A_write_that_throws_stops_the_work_and_the_exception_goes_on_as_it_is()
    {
        var ran = 0;
        using var workEnded = new ManualResetEventSlim();
        var thrown = new InvalidOperationException("downstream gave up");
        OnOwner(() =>
        {
            using var pump = new WorkPump(CancellationToken.None, capacity: 8);
            pump.Start(async ct =>
            {
                try
                {
                    for (var i = 0; !ct.IsCancellationRequested; i++)
                    {
                        var n = i;
                        pump.Post(() =>
                        {
                            if (n == 5) throw thrown;
                            ran++;
                        });
                        await Task.Yield();
                    }
                }
                finally
                {
                    workEnded.Set();
                }
            });
            var ex = Assert.Throws<InvalidOperationException>(pump.RunToEnd);
            Assert.Same(thrown, ex);
            Assert.True(pump.Token.IsCancellationRequested);
            Assert.False(pump.Post(() => ran++));
        });
        Assert.Equal(5, ran);
        Assert.True(workEnded.Wait(TimeSpan.FromSeconds(2)), "the work went on after the write failed");
    }

    [Fact]
    public void Push_returns_after_everything_written_for_the_item_and_before_the_next_is_taken()
    {
        var log = new ConcurrentQueue<string>();
        OnOwner(() =>
        {
            using var pump = new WorkPump<int>(CancellationToken.None, capacity: 2);
            pump.Start(async (input, ct) =>
            {
                await foreach (var item in pump.ReadAllAsync(ct))
                {
                    log.Enqueue($"took {item}");
                    await Task.Delay(15, ct);
                    for (var part = 1; part <= 3; part++)
                    {
                        var p = part;
                        pump.Post(() => log.Enqueue($"reply {item}.{p}"));
                    }
                }
            });
            for (var i = 1; i <= 3; i++)
            {
                Assert.True(pump.Push(i));
                log.Enqueue($"pushed {i}");
            }
            pump.Finish();
        });
        Assert.Equal([
            "took 1", "reply 1.1", "reply 1.2", "reply 1.3", "pushed 1",
            "took 2", "reply 2.1", "reply 2.2", "reply 2.3", "pushed 2",
            "took 3", "reply 3.1", "reply 3.2", "reply 3.3", "pushed 3"], log);
    }

    [Fact]
    public void A_work_that_fails_on_an_item_ends_the_pump_and_later_pushes_are_ignored()
    {
        var seen = new List<string>();
        var taken = new ConcurrentQueue<int>();
        OnOwner(() =>
        {
            using var pump = new WorkPump<int>(CancellationToken.None);
            pump.Start(async (input, ct) =>
            {
                await foreach (var item in pump.ReadAllAsync(ct))
                {
                    taken.Enqueue(item);
                    pump.Post(() => seen.Add($"reply {item}"));
                    if (item == 2) throw new IOException("connection reset");
                }
            });
            Assert.True(pump.Push(1));
            var ex = Assert.Throws<PumpWorkException>(() => pump.Push(2));
            Assert.IsType<IOException>(ex.InnerException);
            Assert.True(pump.IsFinished);
            Assert.False(pump.Push(3));
            pump.Finish(); // nothing left: no second report of the failure
        });
        Assert.Equal(["reply 1", "reply 2"], seen);
        Assert.Equal([1, 2], taken);
    }

    [Fact]
    public void A_work_that_stops_reading_ends_the_pump_quietly()
    {
        var seen = new List<string>();
        OnOwner(() =>
        {
            using var pump = new WorkPump<string>(CancellationToken.None);
            pump.Start(async (input, ct) =>
            {
                // Reads one item, reports that it cannot go on, and ends (as a dropped connection does).
                var first = await input.ReadAsync(ct);
                pump.Post(() => seen.Add($"failed at {first}"));
            });
            Assert.False(pump.Push("a"));
            Assert.False(pump.Push("b"));
            pump.Finish();
        });
        Assert.Equal(["failed at a"], seen);
    }

    [Fact]
    public void CtrlC_during_a_push_stops_the_work_within_a_second()
    {
        var elapsed = TimeSpan.Zero;
        var cancelled = false;
        OnOwner(() =>
        {
            using var ctrlC = new CancellationTokenSource();
            using var pump = new WorkPump<int>(ctrlC.Token);
            pump.Start(async (input, ct) =>
            {
                await foreach (var item in pump.ReadAllAsync(ct))
                {
                    try
                    {
                        await Task.Delay(Timeout.Infinite, ct); // a server that never answers
                    }
                    catch (OperationCanceledException)
                    {
                        cancelled = true;
                        throw;
                    }
                }
            });
            ctrlC.CancelAfter(150);
            var watch = Stopwatch.StartNew();
            Assert.ThrowsAny<OperationCanceledException>(() => pump.Push(1));
            elapsed = watch.Elapsed;
            Assert.True(pump.IsFinished);
            Assert.False(pump.Push(2));
        });
        Assert.True(elapsed < TimeSpan.FromSeconds(1.2), $"took {elapsed}");
        Assert.True(cancelled);
    }

    [Fact]
    public void Disposing_a_running_pump_stops_its_work()
    {
        var token = CancellationToken.None;
        OnOwner(() =>
        {
            var pump = new WorkPump<int>(CancellationToken.None);
            pump.Start((input, ct) => Task.Delay(Timeout.Infinite, ct));
            token = pump.Token;
            pump.Dispose();
            Assert.False(pump.Post(() => { }));
        });
        Assert.True(token.IsCancellationRequested);
    }

    // The pump's owner is the thread that built it; a thread of our own, so a hang fails the test instead of the run.
    private static void OnOwner(Action body)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        thread.Start();
        if (!thread.Join(TimeSpan.FromSeconds(20))) Assert.Fail("the pump hung");
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }
}
