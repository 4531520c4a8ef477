using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Servers;

/// <summary>
/// Issue 10 item 20 as the user sees it: Stop-NetServer while downloads are in flight wrote "Object reference not set
/// to an instance of an object" (the remote end point of a connection already closed). It writes nothing now, and the
/// log records each cut download with the bytes the client took.
/// </summary>
public sealed class StopDuringDownloadsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("psnt-stop-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Stop_NetServer_during_downloads_writes_no_error()
    {
        // Sparse: 200 MB that takes no disk, far more than the socket buffers of a client that does not read.
        using (var big = File.Create(Path.Combine(_dir, "big.bin"))) big.SetLength(200_000_000);
        var r = Ps.Run("""
            $fs = Start-HttpFileServer -Path $dir -Port 0
            $clients = foreach ($i in 1..5) {
                $c = [Net.Sockets.Socket]::new('InterNetwork', 'Stream', 'Tcp'); $c.ReceiveBufferSize = 4096
                $c.Connect('127.0.0.1', $fs.Port)
                $null = $c.Send([Text.Encoding]::ASCII.GetBytes("GET /big.bin HTTP/1.1`r`nHost: 127.0.0.1`r`n`r`n")); $c
            }
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while ($fs.ActiveConnections -lt 5 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            Start-Sleep -Milliseconds 500
            $fs | Stop-NetServer
            $fs.State
            @($fs.GetLog() | Where-Object { $_ -like '*big.bin*aborted*' }).Count
            $clients | ForEach-Object { $_.Close() }
            """, variables: new Dictionary<string, object?> { ["dir"] = _dir });
        r.AssertNoErrors();
        Assert.Equal<object>(["Stopped", 5], r.Output.Select(o => o.BaseObject));
    }
}
