using System.Management.Automation;
using PSNetTools.Net;

namespace PSNetTools.Commands.Scanning;

/// <summary>
/// The one size guard of every cmdlet that fans out over -ComputerName (blocks and ranges): the engine counts the
/// probes without sending or resolving anything; over the limit, the cmdlet stops with ScanTooLarge unless -Force.
/// </summary>
internal static class ScanSizeGuard
{
    public static void Check(PSCmdlet cmdlet, IReadOnlyCollection<string> targets, int probesPerAddress, bool force, string narrow)
    {
        if (force || TargetExpansion.CheckSize(targets, probesPerAddress) is not { } failure) return;
        Refuse(cmdlet, failure, narrow);
    }

    /// <summary>The same over a pipeline's work items: each record counts with its own ports.</summary>
    public static void Check<TOptions>(PSCmdlet cmdlet, IReadOnlyCollection<FanOutRequest<TOptions>> requests, bool force, string narrow)
    {
        if (force || TargetExpansion.CheckSize(requests) is not { } failure) return;
        Refuse(cmdlet, failure, narrow);
    }

    private static void Refuse(PSCmdlet cmdlet, TargetFailure failure, string narrow)
    {
        var advice = $"Add -Force to run it, or narrow {narrow}.";
        cmdlet.ThrowTerminatingError(new ErrorRecord(new ArgumentException(failure.Message), failure.ErrorId, ErrorCategory.LimitsExceeded, failure.Target)
        {
            ErrorDetails = new ErrorDetails($"{failure.Message} {advice}") { RecommendedAction = advice },
        });
    }
}
