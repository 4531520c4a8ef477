using System.Diagnostics;
using System.Text.Json;

namespace PSNetTools.Testing;

/// <summary>
/// Runs a script of the hostile-peer kit (tests/peers/hostile/) and returns the JSON line it prints: what the lying
/// client or server saw. <see cref="Start"/> keeps a long-running one (e.g. thousands of idle connections) going.
/// </summary>
public sealed class HostilePeer : IDisposable
{
    private readonly Process _process;

    private HostilePeer(Process process) => _process = process;

    public static string Script(string name) => Path.Combine(PeerProcess.RepoRoot, "tests", "peers", "hostile", name);

    public static JsonElement Run(string script, double timeoutSec, params string[] args)
    {
        using var peer = Start(script, args);
        var line = peer.ReadLine(timeoutSec);
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    public static HostilePeer Start(string script, params string[] args)
    {
        var psi = new ProcessStartInfo(PeerProcess.Require("python3")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Script(script));
        foreach (var a in args) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("python3 did not start");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return new HostilePeer(process);
    }

    /// <summary>The next JSON line the script prints.</summary>
    public string ReadLine(double timeoutSec)
    {
        var line = _process.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(timeoutSec))) Assert.Fail($"the hostile peer printed nothing within {timeoutSec} s");
        return line.Result ?? throw new InvalidOperationException("the hostile peer ended without an answer");
    }

    public JsonElement ReadJson(double timeoutSec) => JsonDocument.Parse(ReadLine(timeoutSec)).RootElement.Clone();

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(true);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
