using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace PSNetTools.Infrastructure.Pumping;

/// <summary>
/// A <see cref="WorkPump"/> whose work also takes input from the owner, one item at a time, for a cmdlet that streams
/// its whole pipeline into one piece of work (all messages over one connection). <see cref="Push"/> hands an item over
/// and runs the work's writes until the work is done with it, so a record's output is written while that record is
/// current. The work learns that through <see cref="ReadAllAsync"/>: asking for the next item marks the previous one
/// done, and the mark is queued behind everything written for it.
/// </summary>
public sealed class WorkPump<TIn> : WorkPump
{
    // Synchronous continuations: handing an item over resumes the waiting work right on the owner's thread, up to its
    // first real wait (a send usually completes at once), instead of waking a thread-pool thread for it. Unbounded is
    // safe: Push waits until the work is done with an item, so at most one is ever queued.
    private readonly Channel<TIn> _input = Channel.CreateUnbounded<TIn>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = true });

    // Owner-thread only: items handed over, and items the work has marked done.
    private long _pushed;
    private long _done;
    private bool _finished;

    public WorkPump(CancellationToken stop, int capacity = DefaultCapacity, TimeSpan? stopGrace = null)
        : base(stop, capacity, stopGrace)
    {
    }

    /// <summary>The work's input, for work that reads it itself and calls <see cref="MarkDone"/>.</summary>
    public ChannelReader<TIn> Input => _input.Reader;

    /// <summary>True once the input has ended: <see cref="Finish"/>, <see cref="WorkPump.Stop"/>, or the work ended.</summary>
    public bool IsFinished => _finished;

    public void Start(Func<ChannelReader<TIn>, CancellationToken, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        Start(ct => work(_input.Reader, ct));
    }

    /// <summary>The work's side: each item; asking for the next marks the previous one done.</summary>
    public async IAsyncEnumerable<TIn> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await _input.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (_input.Reader.TryRead(out var item))
            {
                yield return item;
                MarkDone();
            }
        }
    }

    /// <summary>The work is done with the current item; queued behind what it wrote for it.</summary>
    public void MarkDone() => Post(() => _done++);

    /// <summary>
    /// Owner: hands <paramref name="item"/> to the work and runs its writes until the work is done with it. When the
    /// work has ended instead (it failed, or stopped reading), finishes the pump as <see cref="Finish"/> does and
    /// returns false; after that every push is ignored. Throws as <see cref="WorkPump.RunToEnd"/> does.
    /// </summary>
    public bool Push(TIn item)
    {
        if (_finished) return false;
        bool taken;
        try
        {
            RunQueued();
            taken = _input.Writer.TryWrite(item);
            if (taken)
            {
                _pushed++;
                taken = Dispatch(() => _done >= _pushed);
            }
        }
        catch
        {
            _finished = true;
            throw;
        }
        if (!taken) Finish();
        return taken;
    }

    /// <summary>Owner: ends the input and runs every write until the work has ended; throws as <see cref="WorkPump.RunToEnd"/> does.</summary>
    public void Finish()
    {
        if (_finished) return;
        _finished = true;
        _input.Writer.TryComplete();
        RunToEnd();
    }

    protected override void OnWorkEnded() => _input.Writer.TryComplete();

    protected override void OnStopping()
    {
        _finished = true;
        _input.Writer.TryComplete();
    }
}
