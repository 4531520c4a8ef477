using System.Net;
using System.Net.Sockets;
using PSNetTools.Tests.Harness;

namespace PSNetTools.Tests.FanOut;

/// <summary>
/// Issue 11 point 1: every fan-out cmdlet writes its output in input order (host order, then port order), over 20
/// runs, against listeners whose first target answers last, so that completion order is the reverse of input order.
/// </summary>
public class InputOrderTests
{
    private const int Runs = 20;

    private static readonly string[] Hosts = ["127.0.0.1", "127.0.0.2"];

    private static readonly string Expected = string.Join(",", SlowPeers.Addresses);

    // Each run prints one line: the rows' keys, joined.
    private static void AssertEveryRunInOrder(PsResult r, string expected)
    {
        r.AssertNoErrors();
        Assert.Equal(Runs, r.Output.Count);
        Assert.All(r.Output, line => Assert.Equal(expected, line.BaseObject.ToString()));
    }

    private static string Repeat(string pipeline, string key = "$_.Address") =>
        $"1..{Runs} | ForEach-Object {{ @({pipeline} | ForEach-Object {{ {key} }}) -join ',' }}";

    [Fact]
    public void Test_TcpEcho_hosts_then_ports()
    {
        using var first = SlowPeers.TcpEcho();
        using var second = SlowPeers.TcpEcho();
        var r = Ps.Run(Repeat($"Test-TcpEcho {SlowPeers.List} -Port {first.Port},{second.Port}", "'{0}:{1}' -f $_.Address, $_.Port"), timeoutSec: 120);
        var ports = new[] { first.Port, second.Port }.Order().ToArray();
        AssertEveryRunInOrder(r, string.Join(",", SlowPeers.Addresses.SelectMany(a => ports.Select(p => $"{a}:{p}"))));
    }

    [Fact]
    public void Test_UdpEcho()
    {
        using var peers = SlowPeers.UdpEcho();
        AssertEveryRunInOrder(Ps.Run(Repeat($"Test-UdpEcho {SlowPeers.List} -Port {peers.Port}"), timeoutSec: 120), Expected);
    }

    [Fact]
    public void Send_TcpMessage()
    {
        using var peers = SlowPeers.TcpEcho();
        AssertEveryRunInOrder(Ps.Run(Repeat($"Send-TcpMessage {SlowPeers.List} -Port {peers.Port} -Message hi -QuietPeriodSec 0.02"), timeoutSec: 120), Expected);
    }

    [Fact]
    public void Send_UdpMessage()
    {
        using var peers = SlowPeers.UdpEcho();
        AssertEveryRunInOrder(Ps.Run(Repeat($"Send-UdpMessage {SlowPeers.List} -Port {peers.Port} -Message hi -QuietPeriodSec 0.02"), timeoutSec: 120), Expected);
    }

    [Fact]
    public void Get_TlsCertificate()
    {
        using var peers = SlowPeers.Tls();
        AssertEveryRunInOrder(Ps.Run(Repeat($"Get-TlsCertificate {SlowPeers.List} -Port {peers.Port} -TimeoutSec 5"), timeoutSec: 120), Expected);
    }

    [Fact]
    public void Get_TlsCertificate_over_more_port_groups_than_the_throttle_limit()
    {
        // Four ports, -ThrottleLimit 2: one limit for all (it used to be split per port group, and every group ran).
        using var a = SlowPeers.Tls();
        using var b = SlowPeers.Tls();
        var r = Ps.Run(Repeat($"Get-TlsCertificate {SlowPeers.List} -Port {a.Port},{b.Port} -ThrottleLimit 2 -TimeoutSec 5", "'{0}:{1}' -f $_.Address, $_.Port")
            .Replace($"1..{Runs}", "1..5", StringComparison.Ordinal), timeoutSec: 120);
        r.AssertNoErrors();
        // Port order is the order of the port set: ascending.
        var ports = new[] { a.Port, b.Port }.Order().ToArray();
        var expected = string.Join(",", SlowPeers.Addresses.SelectMany(x => ports.Select(p => $"{x}:{p}")));
        Assert.All(r.Output, line => Assert.Equal(expected, line.BaseObject.ToString()));
    }

    [Fact]
    public void Test_HttpEndpoint_results_and_summaries()
    {
        using var peers = SlowPeers.Http();
        var uris = string.Join(",", SlowPeers.Addresses.Select(a => $"'http://{a}:{peers.Port}/'"));
        var expected = string.Join(",", SlowPeers.Addresses.Select(a => $"http://{a}:{peers.Port}/"));
        AssertEveryRunInOrder(Ps.Run(Repeat($"Test-HttpEndpoint {uris}", "$_.Uri"), timeoutSec: 120), expected);
        AssertEveryRunInOrder(Ps.Run(Repeat($"Test-HttpEndpoint {uris} -Count 2", "$_.Uri").Replace($"1..{Runs}", "1..20", StringComparison.Ordinal), timeoutSec: 120), expected);
    }

    [Fact]
    public void Test_Ping()
    {
        // Loopback answers every address at once, so this is the weakest of these checks: hosts finish in whatever
        // order the replies come, and the summaries must still follow the input.
        var hosts = string.Join(",", Enumerable.Range(1, 24).Select(i => $"'127.0.0.{25 - i}'").Append("'::1'"));
        var expected = string.Join(",", Enumerable.Range(1, 24).Select(i => $"127.0.0.{25 - i}").Append("::1"));
        AssertEveryRunInOrder(Ps.Run(Repeat($"Test-Ping {hosts} -Count 2 -IntervalSec 0.02 -TimeoutSec 1"), timeoutSec: 120), expected);
    }

    [Fact]
    public void Find_OpenPort_holds_later_rows_behind_a_filtered_port()
    {
        // A listener whose accept queue is full drops new SYNs: its port answers nothing (Filtered after -TimeoutSec),
        // while every later probe (open or closed) answers at once. Rows must still come in host order, then port order.
        using var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        stalled.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        stalled.Listen(0);
        var slow = ((IPEndPoint)stalled.LocalEndPoint!).Port;
        var fillers = FillAcceptQueue(slow);
        using var open = new TcpListener(IPAddress.Loopback, 0);
        open.Start();
        var fast = ((IPEndPoint)open.LocalEndpoint).Port;
        try
        {
            // Ports come in ascending order: the slow one is first on 127.0.0.1 or not, but 127.0.0.1 is the first host,
            // so every row of 127.0.0.2 (all closed, answered at once) waits for it.
            var ports = new[] { slow, fast }.Order().ToArray();
            var r = Ps.Run(Repeat($"Find-OpenPort 127.0.0.1,127.0.0.2 -Port {slow},{fast} -IncludeClosed -TimeoutSec 0.2", "'{0}:{1}:{2}' -f $_.Address, $_.Port, $_.State")
                .Replace($"1..{Runs}", "1..10", StringComparison.Ordinal), timeoutSec: 120);
            r.AssertNoErrors();
            var line = Assert.IsType<string>(r.Output[0].BaseObject);
            Assert.Contains($"127.0.0.1:{slow}:Filtered", line, StringComparison.Ordinal);
            Assert.Contains($"127.0.0.1:{fast}:Open", line, StringComparison.Ordinal);
            var rows = line.Split(',').Select(x => x.Split(':')).ToList();
            Assert.Equal([.. Hosts.SelectMany(h => ports.Select(p => $"{h}:{p}"))], rows.Select(x => $"{x[0]}:{x[1]}"));
            Assert.All(r.Output, o => Assert.Equal(line, o.BaseObject.ToString()));
        }
        finally
        {
            foreach (var f in fillers) f.Dispose();
        }
    }

    // Connects until one is left hanging (its SYN dropped): from then on the queue is full.
    private static List<Socket> FillAcceptQueue(int port)
    {
        var sockets = new List<Socket>();
        for (var i = 0; i < 16; i++)
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            sockets.Add(s);
            var connect = s.ConnectAsync(IPAddress.Loopback, port);
            if (!connect.Wait(TimeSpan.FromMilliseconds(300))) return sockets;
        }
        Assert.Fail("the accept queue never filled");
        return sockets;
    }
}
