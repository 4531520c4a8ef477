using System.Diagnostics;

namespace PSNetTools.Tests.Harness;

/// <summary>
/// Runs a script in a new process (tools/PSHost, a minimal pwsh), for what must be observed before anything else in
/// the test process has loaded: which assemblies Import-Module loads, and into which load context.
/// </summary>
public static class FreshProcess
{
    internal static readonly string BuiltHost = Path.Combine(Ps.RepoRoot, "tools", "PSHost", "bin", "Release", "net10.0");

    public static (int ExitCode, string Stdout, string Stderr) Run(string script, double timeoutSec = 60) =>
        Run(script, timeoutSec, asNobody: false, BuiltHost, Ps.ModuleManifest);

    /// <summary>
    /// The same inside a network namespace of its own (tests/peers/hostile/isolated_net.sh): only loopback exists, so
    /// nothing can leave the machine even if a guard under test is broken, and the resolver is a spy on 127.0.0.1:53
    /// whose log of names asked comes back as <c>DnsQueries</c>.
    /// </summary>
    public static (int ExitCode, string Stdout, string Stderr, string[] DnsQueries) RunIsolated(string script, double timeoutSec = 60)
    {
        if (Environment.UserName != "root") Assert.Fail("this test runs in its own network namespace (unshare); run the tests as root (CI does)");
        foreach (var tool in new[] { "unshare", "ip", "python3" }) PSNetTools.Testing.PeerProcess.Require(tool);
        var log = Path.Combine(Path.GetTempPath(), $"psnt-dns-{Guid.NewGuid():N}.log");
        try
        {
            var (code, stdout, stderr) = Run(script, timeoutSec, asNobody: false, BuiltHost, Ps.ModuleManifest,
                [Path.Combine(Ps.RepoRoot, "tests", "peers", "hostile", "isolated_net.sh"), log]);
            if (!File.Exists(log)) Assert.Fail($"the DNS spy of isolated_net.sh never started: {stderr}");
            return (code, stdout, stderr, File.ReadAllLines(log));
        }
        finally
        {
            File.Delete(log);
        }
    }

    /// <summary>The same as the unprivileged user nobody (setpriv), to see what a non-root user gets.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunAsNobody(string script, double timeoutSec = 60)
    {
        if (Environment.UserName != "root") Assert.Fail("this test drops from root to nobody; run the tests as root (CI does)");
        PSNetTools.Testing.PeerProcess.Require("setpriv");
        // The checkout may sit where nobody cannot read (e.g. under /root): run copies from a world-readable folder.
        var root = Path.Combine(Path.GetTempPath(), $"psnt-nobody-{Environment.ProcessId}");
        Copy(BuiltHost, Path.Combine(root, "host"));
        Copy(Path.GetDirectoryName(Ps.ModuleManifest)!, Path.Combine(root, "PSNetTools"));
        PSNetTools.Testing.PeerProcess.Run("chmod", $"-R a+rX {root}");
        try
        {
            return Run(script, timeoutSec, asNobody: true, Path.Combine(root, "host"), Path.Combine(root, "PSNetTools", "PSNetTools.psd1"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(string script, double timeoutSec, bool asNobody, string hostDirectory, string manifest,
        string[]? wrapper = null)
    {
        var host = Path.Combine(hostDirectory, "pshost.dll");
        if (!File.Exists(host)) Assert.Fail($"{host} is missing: run 'dotnet build -c Release' first.");
        var psi = new ProcessStartInfo(wrapper?[0] ?? (asNobody ? "setpriv" : "dotnet")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (wrapper is not null)
        {
            foreach (var a in wrapper.Skip(1).Append("dotnet")) psi.ArgumentList.Add(a);
        }
        else if (asNobody)
        {
            foreach (var a in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=/tmp", "DOTNET_CLI_TELEMETRY_OPTOUT=1", "dotnet" }) psi.ArgumentList.Add(a);
        }
        psi.ArgumentList.Add(host);
        psi.ArgumentList.Add("-Command");
        psi.ArgumentList.Add($"$ModuleManifestPath = '{manifest}'\n{script}");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(timeoutSec)))
        {
            p.Kill(true);
            Assert.Fail($"pshost did not finish within {timeoutSec} s");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
