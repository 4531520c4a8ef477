using System.Management.Automation;

namespace PSNetTools.Tests.Harness;

/// <summary>Everything a script produced, stream by stream, as a PowerShell user would see it.</summary>
public sealed class PsResult
{
    public List<PSObject> Output { get; } = [];
    public List<ErrorRecord> Errors { get; } = [];
    public List<WarningRecord> Warnings { get; } = [];
    public List<VerboseRecord> Verbose { get; } = [];
    public List<DebugRecord> Debug { get; } = [];
    public List<ProgressRecord> Progress { get; } = [];
    public List<InformationRecord> Information { get; } = [];

    /// <summary>The script-terminating error (a throw) that ended the script, if one did; a cmdlet's ThrowTerminatingError ends only its statement and is in <see cref="Errors"/>.</summary>
    public RuntimeException? Terminating { get; set; }

    public TimeSpan Elapsed { get; set; }

    /// <summary>What the command run after a Ctrl+C (<see cref="Ps.RunAndStop"/>'s then) wrote.</summary>
    public List<PSObject> After { get; } = [];

    public PSObject One() => Assert.Single(Output);

    /// <summary>The value of a property of an output object, unwrapped from its PSObject.</summary>
    public static object? Prop(PSObject o, string name) => o.Properties[name]?.Value is PSObject p ? p.BaseObject : o.Properties[name]?.Value;

    public void AssertNoErrors()
    {
        if (Terminating is not null) Assert.Fail($"terminating error: {Terminating.Message}");
        if (Errors.Count > 0) Assert.Fail("errors: " + string.Join(" | ", Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
    }
}
