using System.Diagnostics;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests;

/// <summary>
/// The Pester 5 suite (tests/Pester/*.Tests.ps1) run by real pwsh 7.6.9 against the built module, one file a case, so
/// the README's one test command (dotnet test) runs it too and a failure shows Pester's own summary of what failed.
/// </summary>
public sealed class PesterSuiteTests
{
    private static readonly string SuiteDir = Path.Combine(Ps.RepoRoot, "tests", "Pester");

    public static TheoryData<string> Files() => new(Directory.GetFiles(SuiteDir, "*.Tests.ps1").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Pester_file_passes_in_real_pwsh(string file)
    {
        var psi = new ProcessStartInfo(Pwsh()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Ps.RepoRoot };
        foreach (var a in new[] { "-NoProfile", "-NoLogo", "-NonInteractive", "-File", Path.Combine(SuiteDir, "run.ps1"), "-Path", Path.Combine(SuiteDir, file) }) psi.ArgumentList.Add(a);
        // No update check or telemetry: pwsh must not try to reach anything off this machine.
        psi.Environment["POWERSHELL_UPDATECHECK"] = "Off";
        psi.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(true);
            Assert.Fail($"Pester did not finish {file} within 10 minutes:\n{Tail(await stdout)}");
        }
        if (p.ExitCode != 0)
        {
            var output = await stdout;
            var summary = output.LastIndexOf("\nFailures (", StringComparison.Ordinal);
            Assert.Fail($"Pester {file}: exit code {p.ExitCode}\n{(summary >= 0 ? output[summary..] : Tail(output))}\n{await stderr}");
        }
    }

    /// <summary>The dotnet tool's launcher (tests/peers/install.sh installs it), else a pwsh on PATH.</summary>
    internal static string Pwsh()
    {
        var tool = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "pwsh");
        if (File.Exists(tool)) return tool;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, "pwsh");
            if (File.Exists(candidate)) return candidate;
        }
        Assert.Fail("pwsh 7.6.9 is missing: run 'sudo bash tests/peers/install.sh' (dotnet tool install --global PowerShell --version 7.6.9).");
        return "";
    }

    private static string Tail(string text) => text.Length > 8000 ? text[^8000..] : text;
}
