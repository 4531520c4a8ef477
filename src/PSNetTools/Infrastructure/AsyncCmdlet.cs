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
        var sink = new PipelineSink(channel.Writer, this);
        var token = _stopping.Token;
        var task = Task.Run(async () =>
        {
            try
            {
                await work(sink, token).ConfigureAwait(false);
            }
            finally
            {
                channel.Writer.TryComplete();
            }
        }, CancellationToken.None);

        var completed = false;
        try
        {
            var reader = channel.Reader;
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

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed) return;
        if (disposing) _stopping.Dispose();
        _disposed = true;
    }
}
