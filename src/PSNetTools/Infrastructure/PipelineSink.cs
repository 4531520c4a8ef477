using System.Management.Automation;
using PSNetTools.Net;
using PSNetTools.Infrastructure.Pumping;

namespace PSNetTools.Infrastructure;

/// <summary>
/// What background work may "write": each call queues an action that the pipeline thread runs, because only that
/// thread may call WriteObject, WriteError, WriteProgress, WriteVerbose, WriteDebug or WriteInformation. Safe to call
/// from any thread. The queue is bounded (see <see cref="WorkPump"/>): when the pipeline downstream reads slowly, a
/// write waits for room, so the work goes at the consumer's pace.
/// </summary>
public sealed class PipelineSink
{
    private readonly WorkPump _pump;
    private readonly AsyncCmdlet _cmdlet;
    private readonly Action? _markDone;

    internal PipelineSink(WorkPump pump, AsyncCmdlet cmdlet, Action? markDone = null)
    {
        _pump = pump;
        _cmdlet = cmdlet;
        _markDone = markDone;
    }

    public void WriteObject(object? value) => Post(() => _cmdlet.WriteObject(value));

    public void WriteError(ErrorRecord record) => Post(() => _cmdlet.WriteError(record));

    /// <summary>A per-target failure as a non-terminating error with a stable ErrorId and the target as TargetObject.</summary>
    /// <remarks>The record is built on the pipeline thread: its advice reads the cmdlet's parameters.</remarks>
    public void WriteFailure(TargetFailure failure, object? target = null, Exception? thrown = null) =>
        Post(() => _cmdlet.WriteError(ErrorRecords.From(failure, _cmdlet, target, thrown)));

    public void WriteVerbose(string text) => Post(() => _cmdlet.WriteVerbose(text));

    /// <summary>For detail below Verbose, such as a protocol transcript (shown with -Debug).</summary>
    public void WriteDebug(string text) => Post(() => _cmdlet.WriteDebug(text));

    /// <summary>To the information stream (6), with tags a user can filter on, e.g. <c>-InformationVariable</c>.</summary>
    public void WriteInformation(object? messageData, params string[] tags) => Post(() => _cmdlet.WriteInformation(messageData, tags));

    public void WriteWarning(string text) => Post(() => _cmdlet.WriteWarning(text));

    public void WriteProgress(ProgressRecord record) => Post(() => _cmdlet.WriteProgress(record));

    /// <summary>For the pump's work: the current input item is done (everything written for it is queued ahead of this).</summary>
    public void CompletePumpedItem() => _markDone?.Invoke();

    /// <summary>Runs <paramref name="call"/> on the pipeline thread (e.g. ShouldProcess) and hands back its answer.</summary>
    public Task<T> OnPipelineThread<T>(Func<T> call)
    {
        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        // A stopped pump drops what is queued: the question would go unanswered and the work wait forever.
        var cancelled = _pump.Token.Register(() => answer.TrySetCanceled());
        var posted = _pump.Post(() =>
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
        _ = answer.Task.ContinueWith(_ => cancelled.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return answer.Task;
    }

    // Writes after the pipeline has stopped are dropped: nobody is left to read them.
    private void Post(Action action) => _pump.Post(action);
}
