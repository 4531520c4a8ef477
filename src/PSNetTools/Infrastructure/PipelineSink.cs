using System.Management.Automation;
using System.Threading.Channels;
using PSNetTools.Engine.Net;

namespace PSNetTools.Infrastructure;

/// <summary>
/// What background work may "write": each call queues an action that the pipeline thread runs, because only that
/// thread may call WriteObject, WriteError, WriteProgress or WriteVerbose. Safe to call from any thread.
/// </summary>
public sealed class PipelineSink
{
    private readonly ChannelWriter<Action> _writer;
    private readonly AsyncCmdlet _cmdlet;

    internal PipelineSink(ChannelWriter<Action> writer, AsyncCmdlet cmdlet)
    {
        _writer = writer;
        _cmdlet = cmdlet;
    }

    public void WriteObject(object? value) => Post(() => _cmdlet.WriteObject(value));

    public void WriteError(ErrorRecord record) => Post(() => _cmdlet.WriteError(record));

    /// <summary>A per-target failure as a non-terminating error with a stable ErrorId and the target as TargetObject.</summary>
    /// <remarks>The record is built on the pipeline thread: its advice reads the cmdlet's parameters.</remarks>
    public void WriteFailure(TargetFailure failure, object? target = null, Exception? thrown = null) =>
        Post(() => _cmdlet.WriteError(ErrorRecords.From(failure, _cmdlet, target, thrown)));

    public void WriteVerbose(string text) => Post(() => _cmdlet.WriteVerbose(text));

    public void WriteWarning(string text) => Post(() => _cmdlet.WriteWarning(text));

    public void WriteProgress(ProgressRecord record) => Post(() => _cmdlet.WriteProgress(record));

    /// <summary>For the pump's work: the current input item is done (everything written for it is queued ahead of this).</summary>
    public void CompletePumpedItem() => Post(_cmdlet.OnPumpedItemCompleted);

    /// <summary>Runs <paramref name="call"/> on the pipeline thread (e.g. ShouldProcess) and hands back its answer.</summary>
    public Task<T> OnPipelineThread<T>(Func<T> call)
    {
        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var posted = _writer.TryWrite(() =>
        {
            try
            {
                answer.TrySetResult(call());
            }
            catch (Exception ex)
            {
                answer.TrySetException(ex);
                throw;
            }
        });
        if (!posted) answer.TrySetCanceled();
        return answer.Task;
    }

    // Writes after the pipeline has stopped are dropped: nobody is left to read them.
    private void Post(Action action) => _writer.TryWrite(action);
}
