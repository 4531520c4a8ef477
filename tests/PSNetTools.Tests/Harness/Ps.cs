using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace PSNetTools.Tests.Harness;

/// <summary>
/// Runs a script in a fresh runspace that has imported the built module from out/PSNetTools, and returns every
/// stream. Tests read like the PowerShell session a user would type.
/// </summary>
public static class Ps
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ModuleManifest { get; } = Path.Combine(RepoRoot, "out", "PSNetTools", "PSNetTools.psd1");

    public static PsResult Run(string script, double timeoutSec = 60, IDictionary<string, object?>? variables = null) =>
        Run(script, timeoutSec, variables, stopAfter: null);

    /// <summary>Runs the script and presses Ctrl+C (PowerShell.Stop) after <paramref name="stopAfter"/>.</summary>
    /// <remarks>
    /// <paramref name="then"/>, when given, runs afterwards in the same runspace, as the user's next command after
    /// Ctrl+C; its output is <see cref="PsResult.After"/>.
    /// </remarks>
    public static PsResult RunAndStop(string script, TimeSpan stopAfter, double timeoutSec = 60, string? then = null) =>
        Run(script, timeoutSec, null, stopAfter, then);

    private static PsResult Run(string script, double timeoutSec, IDictionary<string, object?>? variables, TimeSpan? stopAfter, string? then = null)
    {
        if (!File.Exists(ModuleManifest))
        {
            Assert.Fail($"The built module is missing at {ModuleManifest}: run 'dotnet build -c Release' first.");
        }
        var iss = InitialSessionState.CreateDefault2();
        iss.ImportPSModule(ModuleManifest);
        iss.ThrowOnRunspaceOpenError = true;
        iss.Variables.Add(new SessionStateVariableEntry("ModuleManifestPath", ModuleManifest, "The built module's manifest"));
        if (variables is not null)
        {
            foreach (var (name, value) in variables) iss.Variables.Add(new SessionStateVariableEntry(name, value, ""));
        }
        using var runspace = RunspaceFactory.CreateRunspace(iss);
        runspace.Open();
        using var ps = PowerShell.Create(runspace);
        ps.AddScript(script);
        var result = new PsResult();
        var output = new PSDataCollection<PSObject>();
        output.DataAdded += (_, e) => { lock (result.Output) result.Output.Add(output[e.Index]); };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var async = ps.BeginInvoke<PSObject, PSObject>(null, output);
        if (stopAfter is { } delay)
        {
            async.AsyncWaitHandle.WaitOne(delay);
            ps.Stop();
        }
        if (!async.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(timeoutSec)))
        {
            ps.BeginStop(null, null);
            string sofar;
            lock (result.Output) sofar = string.Join("\n", result.Output);
            // What it wrote before it hung says where it hung (one CI run's hang could not be placed without it).
            Assert.Fail($"The script did not finish within {timeoutSec} s (a hang): {script}\n--- output so far:\n{sofar}");
        }
        try
        {
            ps.EndInvoke(async);
        }
        catch (RuntimeException ex)
        {
            result.Terminating = ex;
        }
        result.Elapsed = watch.Elapsed;
        result.Errors.AddRange(ps.Streams.Error);
        result.Warnings.AddRange(ps.Streams.Warning);
        result.Verbose.AddRange(ps.Streams.Verbose);
        result.Debug.AddRange(ps.Streams.Debug);
        result.Progress.AddRange(ps.Streams.Progress);
        result.Information.AddRange(ps.Streams.Information);
        if (then is not null)
        {
            using var next = PowerShell.Create(runspace);
            next.AddScript(then);
            var done = next.BeginInvoke();
            if (!done.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(timeoutSec)))
            {
                next.BeginStop(null, null);
                Assert.Fail($"The command after Ctrl+C did not finish within {timeoutSec} s: {then}");
            }
            result.After.AddRange(next.EndInvoke(done));
            result.Errors.AddRange(next.Streams.Error);
        }
        return result;
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PSNetTools.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("PSNetTools.sln not found above " + AppContext.BaseDirectory);
    }
}
