using System.Management.Automation;
using System.Threading.Channels;

namespace PSNetTools.Infrastructure;

/// <summary>
/// Base of every cmdlet that does network work. The work runs on the thread pool; what it writes is queued
/// through a <see cref="PipelineSink"/> and written here, on the pipeline thread, as it arrives. Ctrl+C
/// (StopProcessing) cancels the work's token, and so does a downstream stop such as Select-Object -First 1.
/// </summary>
public abstract class AsyncCmdlet : PSCmdlet, IDisposable
{
    // How long a cancelled operation gets to close its sockets before the cmdlet returns anyway.
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource _stopping = new();
    private PumpState? _pump;
    private bool _disposed;

    /// <summary>Cancelled on Ctrl+C, or when the pipeline downstream no longer wants output.</summary>
    protected CancellationToken CancelToken => _stopping.Token;

    protected override void StopProcessing()
    {
        try
        {
            _stopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Ctrl+C raced with the end of the command: nothing is left to stop.
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in the background and drains what it writes until it finishes. Exceptions it throws
    /// become terminating errors (see <see cref="ErrorRecords.FromException"/>); per-target failures should be written
    /// through <see cref="PipelineSink.WriteFailure"/> instead.
    /// </summary>
    protected void RunAsync(Func<PipelineSink, CancellationToken, Task> work, object? target = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        var channel = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
        var task = Start(work, channel, null);
        DrainUntilDone(channel.Reader, task, target);
    }

    /// <summary>
    /// For cmdlets that stream their pipeline input into one long piece of work (all messages over one connection,
    /// all calls on one channel): starts <paramref name="work"/> once, in BeginProcessing. <see cref="Pump{T}"/> hands
    /// it each input item from ProcessRecord and writes its output until the work has taken the item up;
    /// <see cref="FinishPump"/> in EndProcessing ends the input and writes the rest. The work reads its items with
    /// <see cref="ReadPumped{T}"/>, which tells the pipeline thread when the work is done with one (it asks for the
    /// next), so a reply is written while its record is current, not when the next record happens to arrive. Unlike a
    /// per-record <see cref="RunAsync"/> there is no task or channel per record.
    /// </summary>
    protected void StartPump<T>(Func<ChannelReader<T>, PipelineSink, CancellationToken, Task> work, object? target = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (_pump is not null) throw new InvalidOperationException("The pump is already running.");
        // Synchronous continuations: handing an item over resumes the waiting work right here, on the pipeline thread,
        // up to its first real wait (a send usually completes at once), instead of waking a thread-pool thread for it.
        var input = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = true });
        var output = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
        var task = Start((sink, ct) => work(input.Reader, sink, ct), output, () => input.Writer.TryComplete());
        _pump = new PumpState(input.Writer, () => input.Writer.TryComplete(), output.Reader, task, target);
    }

    /// <summary>
    /// The work's side of the pump: yields each item, and when the work asks for the next one, marks the previous one
    /// done. The mark travels behind everything the work wrote for that item, so the pipeline thread has written all
    /// of it when <see cref="Pump{T}"/> returns.
    /// </summary>
    protected static async IAsyncEnumerable<T> ReadPumped<T>(ChannelReader<T> reader, PipelineSink sink, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sink);
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
            {
                yield return item;
                sink.CompletePumpedItem();
            }
        }
    }

    /// <summary>Hands <paramref name="item"/> to the pump's work and writes its output until the work is done with it.</summary>
    protected void Pump<T>(T item)
    {
        var pump = _pump ?? throw new InvalidOperationException("StartPump first.");
        if (pump.Finished) return;
        var token = _stopping.Token;
        try
        {
            DrainAvailable(pump.Output);
            if (!((ChannelWriter<T>)pump.Input).TryWrite(item))
            {
                // The work stopped taking input (it ended, or failed): what it wrote and how it ended decide.
                FinishPump();
                return;
            }
            pump.Pumped++;
            while (pump.Completed < pump.Pumped)
            {
                if (!pump.Output.WaitToReadAsync(token).AsTask().GetAwaiter().GetResult())
                {
                    FinishPump();
                    return;
                }
                DrainAvailable(pump.Output);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            StopPump(pump);
            throw new PipelineStoppedException();
        }
        catch
        {
            // A write failed (a downstream error, -ErrorAction Stop, a stopped pipeline): stop the work as well.
            StopPump(pump);
            throw;
        }
    }

    /// <summary>Runs on the pipeline thread, behind the output the work wrote for the item it is done with.</summary>
    internal void OnPumpedItemCompleted()
    {
        if (_pump is { } pump) pump.Completed++;
    }

    /// <summary>Ends the pump's input and writes everything until its work has finished; rethrows as <see cref="RunAsync"/> does.</summary>
    protected void FinishPump()
    {
        var pump = _pump;
        if (pump is null || pump.Finished) return;
        pump.Finished = true;
        pump.CompleteInput();
        DrainUntilDone(pump.Output, pump.Task, pump.Target);
    }

    private void StopPump(PumpState pump)
    {
        pump.Finished = true;
        _stopping.Cancel();
        pump.CompleteInput();
        try
        {
            pump.Task.Wait(StopGrace);
        }
        catch (AggregateException)
        {
        }
    }

    private Task Start(Func<PipelineSink, CancellationToken, Task> work, Channel<Action> output, Action? completeInput)
    {
        var sink = new PipelineSink(output.Writer, this);
        var token = _stopping.Token;
        return Task.Run(async () =>
        {
            try
            {
                await work(sink, token).ConfigureAwait(false);
            }
            finally
            {
                completeInput?.Invoke();
                output.Writer.TryComplete();
            }
        }, CancellationToken.None);
    }

    private static void DrainAvailable(ChannelReader<Action> output)
    {
        while (output.TryRead(out var action)) action();
    }

    private void DrainUntilDone(ChannelReader<Action> reader, Task task, object? target)
    {
        var token = _stopping.Token;
        var completed = false;
        try
        {
            while (reader.WaitToReadAsync(token).AsTask().GetAwaiter().GetResult())
            {
                while (reader.TryRead(out var action)) action();
            }
            completed = true;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        finally
        {
            if (!completed)
            {
                // Ctrl+C, a downstream stop or an exception from a write: stop the work and let it close its sockets.
                _stopping.Cancel();
                try
                {
                    task.Wait(StopGrace);
                }
                catch (AggregateException)
                {
                }
            }
        }

        try
        {
            task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception ex) when (ex is not PipelineStoppedException and not ParameterBindingException and not ActionPreferenceStopException)
        {
            ThrowTerminatingError(ErrorRecords.FromException(ex, target, this));
        }
    }

    private sealed class PumpState(object input, Action completeInput, ChannelReader<Action> output, Task task, object? target)
    {
        /// <summary>The ChannelWriter&lt;T&gt; of the pump's input.</summary>
        public object Input { get; } = input;

        public Action CompleteInput { get; } = completeInput;

        public ChannelReader<Action> Output { get; } = output;

        public Task Task { get; } = task;

        public object? Target { get; } = target;

        public bool Finished { get; set; }

        /// <summary>Items handed over, and items the work has marked done; both only touched on the pipeline thread.</summary>
        public long Pumped { get; set; }

        public long Completed { get; set; }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed) return;
        if (disposing)
        {
            if (_pump is { Finished: false } pump) StopPump(pump);
            _stopping.Dispose();
        }
        _disposed = true;
    }
}
