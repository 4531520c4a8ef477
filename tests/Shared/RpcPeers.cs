using System.Diagnostics;

namespace PSNetTools.Testing;

/// <summary>The WebSocket peers of tests/peers/rpc: npm ws and Debian's python3-websockets, both echoing.</summary>
public static class RpcPeers
{
    public static string Dir { get; } = Path.Combine(PeerProcess.RepoRoot, "tests", "peers", "rpc");

    /// <summary>npm ws echoing on a free port (tests/peers/rpc/wsecho.js); offers the 'echo' subprotocol, 1 MiB message limit.</summary>
    public static (PeerProcess Peer, string Url) NodeWsEcho()
    {
        if (!Directory.Exists(Path.Combine(Dir, "node_modules", "ws")))
        {
            Assert.Fail("npm ws is not installed in tests/peers/rpc: run 'sudo bash tests/peers/install.sh' (it runs npm ci there).");
        }
        var port = Loopback.FreeTcpPort();
        return (PeerProcess.Start("node", $"wsecho.js {port}", port, Dir), $"ws://127.0.0.1:{port}/");
    }

    /// <summary>Debian's python3-websockets echoing on a free port (tests/peers/rpc/wsecho.py; only /usr/bin/python3 has it).</summary>
    public static (PeerProcess Peer, string Url) PythonWsEcho()
    {
        RequirePythonWebsockets();
        var port = Loopback.FreeTcpPort();
        return (PeerProcess.Start(SystemPython, $"wsecho.py serve {port}", port, Dir), $"ws://127.0.0.1:{port}/");
    }

    /// <summary>Debian's python3-* packages import only under the system interpreter, not the python3 first on PATH.</summary>
    public const string SystemPython = "/usr/bin/python3";

    public static void RequirePythonWebsockets()
    {
        if (!Directory.Exists("/usr/lib/python3/dist-packages/websockets"))
        {
            Assert.Fail("python3-websockets is not installed: run 'sudo bash tests/peers/install.sh'.");
        }
    }

    /// <summary>Runs a one-shot peer program to its end and returns its exit code and everything it printed.</summary>
    public static (int ExitCode, string Output) Run(string command, string arguments, double timeoutSec = 60)
    {
        var psi = new ProcessStartInfo(PeerProcess.Require(command), arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Dir,
        };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {command}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSec)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{command} {arguments}' did not finish within {timeoutSec} s: {stdout.Result}{stderr.Result}");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
