using PSNetTools.Infrastructure.Pumping;

namespace PSNetTools.Infrastructure;

/// <summary>
/// What <see cref="AsyncCmdlet.StartPump{T}"/> returns: the pipeline thread's handle on a pump, typed by the items
/// its work takes. <see cref="Push"/> in ProcessRecord, <see cref="Finish"/> in EndProcessing.
/// </summary>
public sealed class PipelinePump<T> : IPipelinePump
{
    private readonly AsyncCmdlet _cmdlet;
    private readonly WorkPump<T> _pump;
    private readonly object? _target;

    internal PipelinePump(AsyncCmdlet cmdlet, WorkPump<T> pump, object? target)
    {
        _cmdlet = cmdlet;
        _pump = pump;
        _target = target;
    }

    /// <summary>True once the input has ended (finished, stopped, or the work ended): later pushes are ignored.</summary>
    public bool IsFinished => _pump.IsFinished;

    /// <summary>
    /// Hands <paramref name="item"/> to the work and writes its output until the work is done with it. If the work
    /// ended instead, writes the rest of its output and how it ended (a failure becomes the cmdlet's terminating error).
    /// </summary>
    public void Push(T item) => _cmdlet.Complete(() => _pump.Push(item), _target);

    /// <summary>Ends the input and writes everything until the work has ended; a failure becomes the cmdlet's terminating error.</summary>
    public void Finish() => _cmdlet.Complete(_pump.Finish, _target);

    /// <summary>Stops the work if it still runs (an abandoned pipeline) and frees the pump.</summary>
    void IDisposable.Dispose() => _pump.Dispose();
}
