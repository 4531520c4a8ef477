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

    protected override void StopProcessing() => _stopping.Cancel();

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
    /// all calls on one channel): starts <paramref name="work"/> once, in BeginProcessing or at the first record.
    /// <see cref="Pump{T}"/> hands it each input item from ProcessRecord and writes what it has produced so far;
    /// <see cref="FinishPump"/> in EndProcessing ends the input and writes the rest. There is no task, channel or
    /// blocking wait per record, which is what a per-record <see cref="RunAsync"/> costs.
    /// </summary>
    protected void StartPump<T>(Func<ChannelReader<T>, PipelineSink, CancellationToken, Task> work, object? target = null, int capacity = 1024)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (_pump is not null) throw new InvalidOperationException("The pump is already running.");
        var input = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        var output = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
        var task = Start((sink, ct) => work(input.Reader, sink, ct), output, () => input.Writer.TryComplete());
        _pump = new PumpState(input.Writer, () => input.Writer.TryComplete(), output.Reader, task, target);
    }

    /// <summary>Whether <see cref="StartPump{T}"/> has run (and <see cref="FinishPump"/> not yet).</summary>
    protected bool IsPumping => _pump is { Finished: false };

    /// <summary>Hands <paramref name="item"/> to the pump's work (waiting while its input is full) and writes its output so far.</summary>
    protected void Pump<T>(T item)
    {
        var pump = _pump ?? throw new InvalidOperationException("StartPump first.");
        if (pump.Finished) return;
        var input = (ChannelWriter<T>)pump.Input;
        var token = _stopping.Token;
        try
        {
            while (true)
            {
                DrainAvailable(pump.Output);
                if (input.TryWrite(item))
                {
                    DrainAvailable(pump.Output);
                    return;
                }
                var room = input.WaitToWriteAsync(token).AsTask();
                var written = pump.Output.WaitToReadAsync(token).AsTask();
                Task.WaitAny([room, written], token);
                if (room.IsCompletedSuccessfully && !room.Result)
                {
                    // The work stopped taking input (it ended, or failed): what it wrote and how it ended decide.
                    FinishPump();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            StopPump(pump);
            throw new PipelineStoppedException();
        }
        catch (AggregateException ex) when (token.IsCancellationRequested && ex.InnerExceptions.All(e => e is OperationCanceledException))
        {
            StopPump(pump);
            throw new PipelineStoppedException();
        }
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
            ThrowTerminatingError(ErrorRecords.FromException(ex, target));
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
