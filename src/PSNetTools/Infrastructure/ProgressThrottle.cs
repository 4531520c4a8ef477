using System.Diagnostics;
using System.Management.Automation;

namespace PSNetTools.Infrastructure;

/// <summary>Lets a progress record through at most every <see cref="Interval"/>: a scan of 65,535 ports must not write 65,535 records.</summary>
public sealed class ProgressThrottle
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastTicks = long.MinValue / 2;

    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>True when enough time has passed since the last report; thread-safe.</summary>
    public bool ShouldReport()
    {
        var now = _clock.ElapsedTicks;
        var last = Interlocked.Read(ref _lastTicks);
        if (now - last < Interval.TotalSeconds * Stopwatch.Frequency) return false;
        return Interlocked.CompareExchange(ref _lastTicks, now, last) == last;
    }

    public static ProgressRecord Completed(int activityId, string activity) =>
        new(activityId, activity, "Done") { RecordType = ProgressRecordType.Completed };
}
