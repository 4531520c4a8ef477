namespace PSNetTools.Infrastructure.Pumping;

/// <summary>
/// Runs one piece of work on the thread pool while one thread, the owner (a cmdlet's pipeline thread, the only one
/// that may write to PowerShell's streams), runs what the work posts, in the order it was posted. The queue between
/// them is bounded: a post waits while <see cref="Capacity"/> writes are queued, so a consumer that reads slowly
/// (Export-Csv over a slow disk, a ForEach-Object that sleeps) slows the work down instead of letting memory grow.
/// Nothing here knows PowerShell: writes are plain delegates, so the draining, ordering and stopping are unit-tested
/// without a runspace.
/// </summary>
public class WorkPump : IDisposable
{
    /// <summary>Writes that may wait for the owner; small, because one write may hold a whole page or message.</summary>
    public const int DefaultCapacity = 128;

    private readonly object _gate = new();
    private readonly Queue<Action> _queue = new();
    private readonly CancellationToken _stop;
    private readonly CancellationTokenSource _cts;
    private readonly CancellationTokenRegistration _wake;
    private readonly int _owner;
    private Task? _task;
    private bool _closed;
    private bool _stopped;
    private bool _ownerWaiting;
    private int _waitingPosters;
    private bool _disposed;

    /// <param name="stop">Ctrl+C: cancels the work, and the owner stops running writes and throws <see cref="OperationCanceledException"/>.</param>
    /// <param name="capacity">Writes that may be queued before a post waits.</param>
    /// <param name="stopGrace">How long a stopped work gets to close its sockets before the owner goes on anyway.</param>
    public WorkPump(CancellationToken stop, int capacity = DefaultCapacity, TimeSpan? stopGrace = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _stop = stop;
        Capacity = capacity;
        StopGrace = stopGrace ?? TimeSpan.FromSeconds(1);
        _cts = CancellationTokenSource.CreateLinkedTokenSource(stop);
        // The constructing thread is the owner: its own posts never wait for room, since only it makes room.
        _owner = Environment.CurrentManagedThreadId;
        // Ctrl+C and Stop must wake whoever waits: the owner for writes, the work for room.
        _wake = _cts.Token.Register(WakeAll);
    }

    public int Capacity { get; }

    public TimeSpan StopGrace { get; }

    /// <summary>The work's token: cancelled by Ctrl+C (the constructor's token) and by <see cref="Stop"/>.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>True once <see cref="Stop"/> has run (Ctrl+C, a failed write, Dispose).</summary>
    public bool IsStopped
    {
        get
        {
            lock (_gate) return _stopped;
        }
    }

    /// <summary>Writes posted and not yet run.</summary>
    public int Queued
    {
        get
        {
            lock (_gate) return _queue.Count;
        }
    }

    /// <summary>Starts <paramref name="work"/> on the thread pool; when it ends, later posts are dropped.</summary>
    public void Start(Func<CancellationToken, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (_task is not null) throw new InvalidOperationException("The pump is already running.");
        var token = _cts.Token;
        _task = Task.Run(async () =>
        {
            try
            {
                await work(token).ConfigureAwait(false);
            }
            finally
            {
                OnWorkEnded();
                Close();
            }
        }, CancellationToken.None);
    }

    /// <summary>
    /// Queues <paramref name="write"/> for the owner; any thread. Waits while the queue is full, except on the owner's
    /// own thread. False when nobody will run it any more (the work ended, or was stopped): the write is dropped.
    /// </summary>
    public bool Post(Action write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var isOwner = Environment.CurrentManagedThreadId == _owner;
        lock (_gate)
        {
            while (!_closed && !_cts.IsCancellationRequested && !isOwner && _queue.Count >= Capacity)
            {
                _waitingPosters++;
                Monitor.Wait(_gate);
                _waitingPosters--;
            }
            if (_closed || _cts.IsCancellationRequested) return false;
            _queue.Enqueue(write);
            if (_ownerWaiting) Monitor.PulseAll(_gate);
            return true;
        }
    }

    /// <summary>
    /// Owner: runs every write until the work has ended. Rethrows what a write threw and throws
    /// <see cref="OperationCanceledException"/> on Ctrl+C, in both cases after stopping the work; a failed work is
    /// reported as <see cref="PumpWorkException"/> after everything it wrote before failing has run.
    /// </summary>
    public void RunToEnd()
    {
        Dispatch(null);
        // A stopped work may outlive its grace; the owner already had its answer when it stopped it.
        if (IsStopped) return;
        ThrowIfWorkFailed();
    }

    /// <summary>Owner: runs what is queued now, without waiting for more.</summary>
    public void RunQueued() => Dispatch(null, waitForMore: false);

    /// <summary>
    /// Owner: stops the work (cancels its token, drops what it has queued and will post) and waits up to
    /// <see cref="StopGrace"/> for it to end. Safe to call more than once.
    /// </summary>
    public void Stop()
    {
        lock (_gate)
        {
            if (_stopped) return;
            _stopped = true;
            _closed = true;
            _queue.Clear();
            Monitor.PulseAll(_gate);
        }
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
        OnStopping();
        try
        {
            _task?.Wait(StopGrace);
        }
        catch (AggregateException)
        {
            // How a stopped work ends is nobody's business: the owner already knows why it stopped.
        }
    }

    /// <summary>
    /// Owner: runs writes until <paramref name="done"/> (asked between writes) says so, or, with
    /// <paramref name="waitForMore"/>, until the work has ended and its last write ran. True when <paramref name="done"/>
    /// said so. Ctrl+C or a write that throws stops the work and the exception goes on.
    /// </summary>
    protected bool Dispatch(Func<bool>? done, bool waitForMore = true)
    {
        try
        {
            return RunWrites(done, waitForMore);
        }
        catch
        {
            Stop();
            throw;
        }
    }

    /// <summary>Called on the work's thread when it has ended, before later posts are refused.</summary>
    protected virtual void OnWorkEnded()
    {
    }

    /// <summary>Called on the owner when <see cref="Stop"/> has cancelled the work.</summary>
    protected virtual void OnStopping()
    {
    }

    private bool RunWrites(Func<bool>? done, bool waitForMore)
    {
        while (true)
        {
            if (done?.Invoke() == true) return true;
            Action write;
            lock (_gate)
            {
                while (waitForMore && _queue.Count == 0 && !_closed && !_stop.IsCancellationRequested)
                {
                    _ownerWaiting = true;
                    Monitor.Wait(_gate);
                    _ownerWaiting = false;
                }
                // Ctrl+C wins over what is still queued: the user wants the prompt back, not the rest of the output.
                _stop.ThrowIfCancellationRequested();
                if (_queue.Count == 0) return false;
                write = _queue.Dequeue();
                if (_waitingPosters > 0) Monitor.PulseAll(_gate);
            }
            write();
        }
    }

    private void ThrowIfWorkFailed()
    {
        var task = _task ?? throw new InvalidOperationException("Start the pump first.");
        try
        {
            // The queue closes in the work's last finally, so the task has ended or is about to.
            task.GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            throw new PumpWorkException(ex);
        }
    }

    private void Close()
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.PulseAll(_gate);
        }
    }

    private void WakeAll()
    {
        lock (_gate) Monitor.PulseAll(_gate);
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed || !disposing) return;
        _disposed = true;
        if (_task is { IsCompleted: false }) Stop();
        _wake.Dispose();
        // A work that outlived its grace still holds the token: the source goes when the work does.
        if (_task is null or { IsCompleted: true }) _cts.Dispose();
        else _task.ContinueWith(_ => _cts.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
