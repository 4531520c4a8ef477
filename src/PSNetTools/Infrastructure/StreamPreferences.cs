using System.Management.Automation;

namespace PSNetTools.Infrastructure;

/// <summary>Whether a stream is shown for this call, for output that costs something to build (a protocol transcript).</summary>
public static class StreamPreferences
{
    /// <summary>True when -Verbose, or $VerbosePreference, lets verbose records through.</summary>
    public static bool IsVerbose(PSCmdlet cmdlet) => IsOn(cmdlet, "Verbose", "VerbosePreference");

    /// <summary>True when -Debug, or $DebugPreference, lets debug records through.</summary>
    public static bool IsDebug(PSCmdlet cmdlet) => IsOn(cmdlet, "Debug", "DebugPreference");

    private static bool IsOn(PSCmdlet cmdlet, string switchName, string preferenceVariable)
    {
        ArgumentNullException.ThrowIfNull(cmdlet);
        if (cmdlet.MyInvocation.BoundParameters.TryGetValue(switchName, out var v)) return v is SwitchParameter s ? s.IsPresent : v is true;
        var pref = cmdlet.SessionState.PSVariable.GetValue(preferenceVariable);
        return pref is ActionPreference p && p != ActionPreference.SilentlyContinue && p != ActionPreference.Ignore;
    }
}
