using System.Diagnostics;
using System.Net.Sockets;

namespace PSNetTools.Testing;

/// <summary>
/// A real third-party peer (socat, openssl s_server, nginx, python3 ...) started for a test on loopback and killed
/// when disposed. A missing peer fails the test with the install step; it never skips silently.
/// </summary>
public sealed class PeerProcess : IDisposable
{
    private readonly Process _process;

    private PeerProcess(Process process, string description)
    {
        _process = process;
        Description = description;
    }

    public string Description { get; }

    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Fails with the install step when <paramref name="command"/> is not on PATH.</summary>
    public static string Require(string command)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            var candidate = Path.Combine(dir, command);
            if (File.Exists(candidate)) return candidate;
        }
        foreach (var dir in new[] { "/usr/sbin", "/sbin" })
        {
            var candidate = Path.Combine(dir, command);
            if (File.Exists(candidate)) return candidate;
        }
        Assert.Fail($"The peer '{command}' is not installed: run 'sudo bash tests/peers/install.sh' (it installs socat, openssl, nginx, nmap, fping).");
        return "";
    }

    /// <summary>Starts <paramref name="command"/> and waits until something accepts TCP connections on <paramref name="tcpPort"/> (0: don't wait).</summary>
    public static PeerProcess Start(string command, string arguments, int tcpPort = 0, string? workingDirectory = null, double timeoutSec = 15)
    {
        var psi = new ProcessStartInfo(Require(command), arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoRoot,
        };
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {command}");
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var peer = new PeerProcess(process, $"{command} {arguments}");
        if (tcpPort > 0)
        {
            var deadline = DateTime.UtcNow.AddSeconds(timeoutSec);
            while (true)
            {
                if (process.HasExited)
                {
                    Assert.Fail($"peer '{command} {arguments}' exited with {process.ExitCode}: {stderr}");
                }
                try
                {
                    using var probe = new TcpClient();
                    probe.Connect("127.0.0.1", tcpPort);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(50);
                }
                catch (SocketException)
                {
                    peer.Dispose();
                    Assert.Fail($"peer '{command} {arguments}' did not listen on 127.0.0.1:{tcpPort} within {timeoutSec} s: {stderr}");
                }
            }
        }
        return peer;
    }

    /// <summary>For one-shot tools (openssl req...): waits for the exit and fails with stderr when it did not succeed.</summary>
    public void WaitForExit(double timeoutSec)
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(timeoutSec))) Assert.Fail($"'{Description}' did not finish within {timeoutSec} s");
        _process.WaitForExit();
        if (_process.ExitCode != 0) Assert.Fail($"'{Description}' exited with {_process.ExitCode}");
    }

    /// <summary>Runs a one-shot tool to completion.</summary>
    public static void Run(string command, string arguments, double timeoutSec = 60)
    {
        using var p = Start(command, arguments);
        p.WaitForExit(timeoutSec);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PSNetTools.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("PSNetTools.sln not found above " + AppContext.BaseDirectory);
    }
}
