using System.Diagnostics;
using System.Globalization;
using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.WebSockets;

/// <summary>
/// Issue 13: Autobahn's cases 1-7 with hand-made frames (tests/peers/rpc/ws_cases.py, Autobahn's rules), both ways:
/// the tester as a client against Start-WebSocketEchoServer, and as a server that a Connect/Receive/Send-WebSocket
/// echo loop, written as a user would, works through. No case may be FAILED; the counts go to docs/conformance.md.
/// </summary>
public sealed class WebSocketCaseSuiteTests
{
    private const int CaseCount = 244;
    private static readonly string Script = Path.Combine(PeerProcess.RepoRoot, "tests", "peers", "rpc", "ws_cases.py");

    // A tester left behind by a failed assertion would wait up to 60 s for connections: end it with the test.
    private sealed class Tester(Process process) : IDisposable
    {
        public Process Process { get; } = process;

        public void Dispose()
        {
            if (!Process.HasExited) Process.Kill();
            Process.Dispose();
        }
    }

    private static Tester Python(params string[] arguments)
    {
        var psi = new ProcessStartInfo(PeerProcess.Require("python3")) { RedirectStandardOutput = true, RedirectStandardError = true };
        // Autobahn's kill timers (0.5-2 s) times 3: the test machine is shared, and only a silent peer waits longer.
        psi.Environment["WS_CASES_PATIENCE"] = "3";
        psi.ArgumentList.Add(Script);
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        return new Tester(Process.Start(psi)!);
    }

    private static void AssertNoFailedCase(IReadOnlyList<string> lines, string stderr)
    {
        var report = string.Join('\n', lines) + "\n" + stderr;
        var cases = lines.Where(l => l.StartsWith("case ", StringComparison.Ordinal)).ToList();
        Assert.True(cases.Count == CaseCount, $"{cases.Count} of {CaseCount} cases ran:\n{report}");
        var failed = cases.Where(l => l.Split(' ')[2] == "FAILED").ToList();
        Assert.True(failed.Count == 0, $"FAILED cases:\n{string.Join('\n', failed)}\n\nthe whole run:\n{report}");
        Assert.Contains(lines, l => l.StartsWith("total OK=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_WebSocketEchoServer_fails_no_case_of_1_to_7()
    {
        var start = Ps.Run("(Start-WebSocketEchoServer -Port 0).Port");
        start.AssertNoErrors();
        var port = (int)start.One().BaseObject;
        try
        {
            using var tester = Python("client", port.ToString(CultureInfo.InvariantCulture));
            var stderr = tester.Process.StandardError.ReadToEndAsync();
            var output = await tester.Process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(120));
            AssertNoFailedCase(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), await stderr);
        }
        finally
        {
            Ps.Run($"Get-NetServer | Where-Object Port -eq {port} | Stop-NetServer").AssertNoErrors();
        }
    }

    // The tester's rules checked on the reference: python3-websockets' compliance notes (compliance/README.rst) list the
    // cases Autobahn rates NON-STRICT for it (it fails before echoing the frame before a bad one; it notices invalid
    // UTF-8 inside one frame only at the frame's end). The tester may find those, and nothing else short of OK.
    [Fact]
    public async Task The_reference_python3_websockets_echo_server_is_rated_as_Autobahn_rates_it()
    {
        var port = Loopback.FreeTcpPort();
        // Debian's python3 has python3-websockets (tests/peers/install.sh); a python3 earlier on PATH may not.
        using var peer = PeerProcess.Start("/usr/bin/python3", $"tests/peers/rpc/wsecho.py serve {port}", port);
        using var tester = Python("client", port.ToString(CultureInfo.InvariantCulture));
        var stderr = tester.Process.StandardError.ReadToEndAsync();
        var lines = (await tester.Process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(120))).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        AssertNoFailedCase(lines, await stderr);
        string[] documented = ["3.2", "3.3", "4.1.3", "4.1.4", "4.2.3", "4.2.4", "5.15", "6.4.3", "6.4.4"];
        var nonStrict = lines.Where(l => l.StartsWith("case ", StringComparison.Ordinal) && l.Split(' ')[2] == "NON-STRICT").Select(l => l.Split(' ')[1]).ToList();
        Assert.NotEmpty(nonStrict);
        Assert.All(nonStrict, id => Assert.Contains(id, documented));
    }

    [Fact]
    public async Task A_Connect_Receive_Send_WebSocket_echo_loop_fails_no_case_of_1_to_7()
    {
        var port = Loopback.FreeTcpPort();
        using var tester = Python("server", port.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("ready", await tester.Process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(15)));
        var stderr = tester.Process.StandardError.ReadToEndAsync();
        var output = tester.Process.StandardOutput.ReadToEndAsync();
        // The echo loop as a user writes it: Autobahn's fuzzingserver protocol (getCaseCount, runCase, updateReports).
        var r = Ps.Run($$"""
            $base = 'ws://127.0.0.1:{{port}}'
            $ws = Connect-WebSocket "$base/getCaseCount"
            $count = [int]($ws | Receive-WebSocketMessage -Count 1).Text
            $ws | Disconnect-WebSocket
            foreach ($i in 1..$count) {
                $ws = Connect-WebSocket "$base/runCase?case=$i&agent=PSNetTools"
                try {
                    # Every message goes back as it came, until the server closes or fails the connection.
                    $ws | Receive-WebSocketMessage -ErrorAction SilentlyContinue | ForEach-Object {
                        if ($_.MessageType -eq 'Binary') { $null = Send-WebSocketMessage -Session $ws -InputObject $_.GetData() -NoResponse -ErrorAction SilentlyContinue }
                        else { $null = Send-WebSocketMessage -Session $ws -Message $_.Text -NoResponse -ErrorAction SilentlyContinue }
                    }
                }
                finally { $ws | Disconnect-WebSocket }
            }
            Connect-WebSocket "$base/updateReports?agent=PSNetTools" | Disconnect-WebSocket
            $count
            """, timeoutSec: 240);
        Assert.Null(r.Terminating);
        Assert.Equal(CaseCount, (int)r.One().BaseObject);
        var lines = (await output.WaitAsync(TimeSpan.FromSeconds(30))).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        AssertNoFailedCase(lines, await stderr);
    }
}
