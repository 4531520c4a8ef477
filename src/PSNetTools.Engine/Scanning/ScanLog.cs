using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace PSNetTools.Scanning;

/// <summary>
/// The scan's verbose lines, handed to the caller's Log on one task of their own. The lines are made in the connect
/// callbacks, and a Log that waits (the cmdlet's bounded pipeline queue, under a slow consumer) must not hold a connect
/// slot and its thread-pool thread: the callbacks only queue the line. A line may hold its probe's credit (see
/// <see cref="RowCredits"/>) until it is written, so the queue is bounded like the rows.
/// </summary>
internal sealed class ScanLog
{
    private readonly Action<string>? _log;
    private readonly RowCredits _credits;
    private readonly Channel<(string Line, bool HoldsCredit)> _lines =
        Channel.CreateUnbounded<(string, bool)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _running;
    private Exception? _failure;

    public ScanLog(Action<string>? log, RowCredits credits)
    {
        _log = log;
        _credits = credits;
        _running = log is null ? Task.CompletedTask : Task.Run(RunAsync, CancellationToken.None);
    }

    /// <summary>Whether anyone reads the lines: without a Log none is built.</summary>
    public bool Enabled => _log is not null;

    /// <summary>Queues a line; with <paramref name="holdsCredit"/> the probe's credit comes back once it is written.</summary>
    public void Write(string line, bool holdsCredit)
    {
        if (_log is null || !_lines.Writer.TryWrite((line, holdsCredit)))
        {
            if (holdsCredit) _credits.Return();
        }
    }

    /// <summary>Writes what is queued, then ends; rethrows what the Log threw.</summary>
    public async Task CompleteAsync()
    {
        _lines.Writer.TryComplete();
        await _running.ConfigureAwait(false);
        if (_failure is { } failure) ExceptionDispatchInfo.Throw(failure);
    }

    private async Task RunAsync()
    {
        await foreach (var (line, holdsCredit) in _lines.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (_failure is null)
            {
                try
                {
                    _log!(line);
                }
                catch (Exception ex)
                {
                    // The first failure ends the logging (and then the scan, at its end); credits still come back.
                    _failure = ex;
                }
            }
            if (holdsCredit) _credits.Return();
        }
    }
}
