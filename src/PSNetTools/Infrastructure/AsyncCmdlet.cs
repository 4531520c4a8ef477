using System.Management.Automation;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using PSNetTools.Infrastructure.Pumping;

namespace PSNetTools.Infrastructure;

/// <summary>
/// Base of every cmdlet that does network work. The work runs on the thread pool; what it writes is queued
/// through a <see cref="PipelineSink"/> and written here, on the pipeline thread, as it arrives (the queue is a bounded
/// <see cref="WorkPump"/>: a slow consumer slows the work). Ctrl+C (StopProcessing) cancels the work's token, and so
/// does a downstream stop such as Select-Object -First 1.
/// </summary>
public abstract class AsyncCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private IPipelinePump? _pump;
    private bool _disposed;

    /// <summary>Cancelled on Ctrl+C, or when the pipeline downstream no longer wants output.</summary>
    protected CancellationToken CancelToken => _stopping.Token;

    /// <summary>Writes that may wait for the pipeline thread before the work has to wait.</summary>
    protected virtual int OutputCapacity => WorkPump.DefaultCapacity;

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
    /// Runs <paramref name="work"/> in the background and writes what it writes until it finishes. Exceptions it throws
    /// become terminating errors (see <see cref="ErrorRecords.FromException"/>); per-target failures should be written
    /// through <see cref="PipelineSink.WriteFailure"/> instead.
    /// </summary>
    protected void RunAsync(Func<PipelineSink, CancellationToken, Task> work, object? target = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var pump = new WorkPump(_stopping.Token, OutputCapacity);
        var sink = new PipelineSink(pump, this);
        pump.Start(ct => work(sink, ct));
        Complete(pump.RunToEnd, target);
    }

    /// <summary>
    /// For cmdlets that stream their pipeline input into one long piece of work (all messages over one connection,
    /// all calls on one channel): starts <paramref name="work"/> once, in BeginProcessing, and returns the typed pump.
    /// <see cref="PipelinePump{T}.Push"/> in ProcessRecord hands the work each input item and writes its output until
    /// the work has taken the item up; <see cref="PipelinePump{T}.Finish"/> in EndProcessing ends the input and writes
    /// the rest. The work reads its items with <see cref="ReadPumped{T}"/>, which tells the pipeline thread when the
    /// work is done with one (it asks for the next), so a reply is written while its record is current, not when the
    /// next record happens to arrive. There is no task or channel per record.
    /// </summary>
    protected PipelinePump<T> StartPump<T>(Func<ChannelReader<T>, PipelineSink, CancellationToken, Task> work, object? target = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (_pump is not null) throw new InvalidOperationException("The pump is already running.");
        var core = new WorkPump<T>(_stopping.Token, OutputCapacity);
        var sink = new PipelineSink(core, this, core.MarkDone);
        core.Start((input, ct) => work(input, sink, ct));
        var pump = new PipelinePump<T>(this, core, target);
        _pump = pump;
        return pump;
    }

    /// <summary>
    /// The work's side of the pump: yields each item, and when the work asks for the next one, marks the previous one
    /// done. The mark travels behind everything the work wrote for that item, so the pipeline thread has written all
    /// of it when <see cref="PipelinePump{T}.Push"/> returns.
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

    /// <summary>The same as <see cref="PipelinePump{T}.Push"/> on the pump <see cref="StartPump{T}"/> returned.</summary>
    protected void Pump<T>(T item)
    {
        var pump = _pump as PipelinePump<T> ?? throw new InvalidOperationException($"StartPump<{typeof(T).Name}> first.");
        pump.Push(item);
    }

    /// <summary>The same as <see cref="PipelinePump{T}.Finish"/> on the running pump; nothing when there is none.</summary>
    protected void FinishPump() => _pump?.Finish();

    /// <summary>
    /// Runs a pump's <paramref name="dispatch"/> on the pipeline thread and turns how it ends into what PowerShell
    /// expects: Ctrl+C is a stopped pipeline, what a write threw goes on as it is, a failed work is this cmdlet's
    /// terminating error.
    /// </summary>
    internal void Complete(Action dispatch, object? target)
    {
        try
        {
            dispatch();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (PumpWorkException ex) when (ex.InnerException is OperationCanceledException && _stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (PumpWorkException ex) when (ex.InnerException is PipelineStoppedException or ParameterBindingException or ActionPreferenceStopException)
        {
            ExceptionDispatchInfo.Throw(ex.InnerException);
        }
        catch (PumpWorkException ex) when (ex.InnerException is { } cause)
        {
            ThrowTerminatingError(ErrorRecords.FromException(cause, target, this));
        }
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
            // A pump still running here was abandoned (an earlier command in the pipeline failed): stop its work.
            _pump?.Dispose();
            _stopping.Dispose();
        }
        _disposed = true;
    }
}
