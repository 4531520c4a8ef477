using System.Diagnostics;
using System.Globalization;

namespace PSNetTools.Tests.Harness;

/// <summary>
/// A server started by the built module in a child PowerShell process (tools/PSHost), for what could kill or bloat
/// the process that runs it: the test attacks it from outside and reads its memory and liveness from /proc, so a
/// crash fails the test instead of ending the test run.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private ServerProcess(Process process) => _process = process;

    public int Port { get; private set; }

    public int Pid => _process.Id;

    public bool IsAlive => !_process.HasExited;

    /// <summary>What the process wrote (stdout and stderr), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>Resident memory in MB, from /proc (the child, not the test runner).</summary>
    public double RssMb
    {
        get
        {
            var line = File.ReadLines($"/proc/{Pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
    }

    /// <summary>CPU seconds used so far (user + system), from /proc/PID/stat.</summary>
    public double CpuSeconds
    {
        get
        {
            var fields = File.ReadAllText($"/proc/{Pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
    }

    /// <summary>Runs <paramref name="startServer"/> (a pipeline that returns a server object) and waits until it listens.</summary>
    public static ServerProcess Start(string startServer, double timeoutSec = 60)
    {
        var host = Path.Combine(FreshProcess.BuiltHost, "pshost.dll");
        if (!File.Exists(host)) Assert.Fail($"{host} is missing: run 'dotnet build -c Release' first.");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        psi.ArgumentList.Add(host);
        psi.ArgumentList.Add("-Command");
        psi.ArgumentList.Add($"Import-Module '{Ps.ModuleManifest}'\n$server = {startServer}\n\"READY $($server.Port)\"\n[Console]::In.ReadLine() | Out-Null\n$server | Stop-NetServer");
        var process = Process.Start(psi)!;
        var ready = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var result = new ServerProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (result._output) result._output.AppendLine(e.Data);
            if (e.Data.StartsWith("READY ", StringComparison.Ordinal)) ready.TrySetResult(int.Parse(e.Data[6..], CultureInfo.InvariantCulture));
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (result._output) result._output.AppendLine(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!ready.Task.Wait(TimeSpan.FromSeconds(timeoutSec)))
        {
            process.Kill(true);
            Assert.Fail($"the server did not start within {timeoutSec} s: {result.Output}");
        }
        result.Port = ready.Task.Result;
        return result;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                if (!_process.WaitForExit(10_000)) _process.Kill(true);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
