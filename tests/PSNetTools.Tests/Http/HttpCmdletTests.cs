using PSNetTools.Testing;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.Http;

public sealed class HttpCmdletTests : IClassFixture<HttpCmdletTests.Peers>
{
    private readonly WebNginx _nginx;

    public HttpCmdletTests(Peers peers) => _nginx = peers.Nginx;

    public sealed class Peers : IDisposable
    {
        public WebNginx Nginx { get; } = new();

        public void Dispose() => Nginx.Dispose();
    }

    [Fact]
    public void Health_checks_from_the_pipeline_with_bad_input_reported()
    {
        var b = _nginx.BaseUri;
        var r = Ps.Run($$"""
            '{{b}}/index.html', '{{b}}/status/500', 'ftp://example.org/', 'not a uri' | Test-HttpEndpoint -ExpectStatus 200 -TimeoutSec 5
            [pscustomobject]@{ Url = '{{b}}/redirect' } | Test-HttpEndpoint
            """);
        Assert.Equal(["InvalidUri", "UnsupportedScheme"], r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).Order());
        var byUri = r.Output.ToDictionary(o => (string)PsResult.Prop(o, "Uri")!);
        Assert.True((bool)PsResult.Prop(byUri[$"{b}/index.html"], "Success")!);
        Assert.Equal("UnexpectedStatus: 500, expected 200", PsResult.Prop(byUri[$"{b}/status/500"], "Error"));
        Assert.Equal(1, (int)PsResult.Prop(byUri[$"{b}/redirect"], "RedirectCount")!);
    }

    [Fact]
    public void Count_gives_one_summary_per_uri_and_quiet_one_boolean()
    {
        var b = _nginx.BaseUri;
        var r = Ps.Run($$"""
            Test-HttpEndpoint '{{b}}/index.html', '{{b}}/status/404' -Count 10 -ThrottleLimit 4
            Test-HttpEndpoint '{{b}}/index.html' -Quiet
            Test-HttpEndpoint '{{b}}/index.html', '{{b}}/status/404' -Quiet
            """);
        r.AssertNoErrors();
        var summaries = r.Output.Take(2).ToDictionary(o => (string)PsResult.Prop(o, "Uri")!);
        Assert.Equal((10, 0), ((int)PsResult.Prop(summaries[$"{b}/index.html"], "Count")!, (int)PsResult.Prop(summaries[$"{b}/index.html"], "ErrorCount")!));
        Assert.Equal("404=10", PsResult.Prop(summaries[$"{b}/status/404"], "StatusCodes"));
        Assert.True((double)PsResult.Prop(summaries[$"{b}/index.html"], "P95Ms")! >= (double)PsResult.Prop(summaries[$"{b}/index.html"], "P50Ms")!);
        Assert.Equal([true, false], r.Output.Skip(2).Select(o => (bool)o.BaseObject));
    }

    [Fact]
    public void Method_headers_and_body_reach_the_server()
    {
        // python's http.server answers 501 to POST: proof the method got there; custom headers must not break the request.
        var port = Loopback.FreeTcpPort();
        using var py = PeerProcess.Start("python3", $"-m http.server {port} --bind 127.0.0.1", port);
        var r = Ps.Run($$"""
            (Test-HttpEndpoint 'http://127.0.0.1:{{port}}/' -Method POST -Body '{"a":1}' -Headers @{ 'Content-Type' = 'application/json'; 'X-Trace' = 'abc' } -ExpectStatus 501).Success
            (Test-HttpEndpoint 'http://127.0.0.1:{{port}}/' -Method HEAD -Headers @{ 'X-Trace' = 'abc' }).StatusCode
            """);
        r.AssertNoErrors();
        Assert.Equal([true, 200], r.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void A_bad_regex_is_a_clear_terminating_error()
    {
        var r = Ps.Run($"Test-HttpEndpoint {_nginx.BaseUri}/ -ExpectContent '(unclosed'", timeoutSec: 20);
        Assert.StartsWith("InvalidExpectContent", Assert.Single(r.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Empty(r.Output);
    }

    [Fact]
    public void File_server_round_trip_and_traversal()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "hello.txt"), "你好");
        var r = Ps.Run($$"""
            $s = Start-HttpFileServer -Path '{{dir.Path}}' -Port 0 -Name files
            $s.Protocol; $s.Endpoint -like 'http://127.0.0.1:*/'
            (Test-HttpEndpoint ($s.Endpoint + 'hello.txt') -ExpectContent '你好').Success
            (Get-NetServer -Name files).Root
            Stop-NetServer -Name files
            (Test-HttpEndpoint ($s.Endpoint + 'hello.txt') -TimeoutSec 2).Error
            """);
        r.AssertNoErrors();
        Assert.Equal("Http", r.Output[0].BaseObject);
        Assert.True((bool)r.Output[1].BaseObject);
        Assert.True((bool)r.Output[2].BaseObject);
        Assert.Equal(dir.Path, r.Output[3].BaseObject);
        Assert.StartsWith("ConnectionRefused", (string)r.Output[4].BaseObject, StringComparison.Ordinal);
    }

    [Fact]
    public void File_server_bad_input()
    {
        using var blocker = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((System.Net.IPEndPoint)blocker.LocalEndpoint).Port;
        var r = Ps.Run($"Start-HttpFileServer -Path /no/such/folder -Port 0; Start-HttpFileServer -Path /tmp -Port {port}", timeoutSec: 20);
        Assert.Equal(["PathNotFound", "PortInUse"], r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        // A port taken by another HttpListener of this same process is "in use" too, not "access denied".
        var twice = Ps.Run("$a = Start-HttpFileServer -Path /tmp -Port 0; Start-HttpFileServer -Path /tmp -Port $a.Port; $a | Stop-NetServer", timeoutSec: 20);
        Assert.StartsWith("PortInUse", Assert.Single(twice.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Errors[1].Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_streams_the_access_log_as_verbose_until_ctrl_c()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "a.txt"), "a");
        var port = Loopback.FreeTcpPort();
        var fetch = Task.Run(async () =>
        {
            // Until the server is up (a loaded machine may take a while to open the runspace), then once.
            using var client = new HttpClient();
            for (var i = 0; ; i++)
            {
                try
                {
                    return await client.GetStringAsync($"http://127.0.0.1:{port}/a.txt");
                }
                catch (HttpRequestException) when (i < 300)
                {
                    await Task.Delay(50);
                }
            }
        });
        // Ctrl+C comes late enough for a loaded machine to have opened the runspace and answered the request.
        var r = Ps.RunAndStop($"Start-HttpFileServer -Path '{dir.Path}' -Port {port} -Wait -Verbose", TimeSpan.FromSeconds(8));
        Assert.Equal("a", await fetch);
        // The server ran in the foreground, said so, and streamed its access log. (A line logged while -Wait attached
        // used to be lost between reading the backlog and subscribing; NetServer.AttachLog does both under one lock.)
        Assert.Contains(r.Verbose, v => v.Message.Contains("is listening on", StringComparison.Ordinal));
        Assert.Contains(r.Verbose, v => v.Message.Contains("\"GET /a.txt HTTP/1.1\" 200 1", StringComparison.Ordinal));
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(11));
    }
}
