using System.Net;
using System.Net.Sockets;
using PSNetTools.Net;
using PSNetTools.Scanning;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Scanning;

[Collection(SocketCounting.Name)]
public class PortScannerTests
{
    private static readonly string[] ThreeHosts = ["127.0.0.1", "127.0.0.2", "127.0.0.3"];

    private static async Task<List<Outcome<PortScanResult>>> Scan(string[] targets, PortScanOptions options, CancellationToken ct = default)
    {
        var all = new List<Outcome<PortScanResult>>();
        await foreach (var o in PortScanner.ScanAsync(targets, options, cancellationToken: ct)) all.Add(o);
        return all;
    }

    [Fact]
    public async Task Finds_exactly_the_listening_ports_among_closed_ones()
    {
        var listeners = Enumerable.Range(0, 5).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var (socat, socatPort) = Loopback.SocatTcpEcho();
        using var _ = socat;
        try
        {
            var open = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).Append(socatPort).ToHashSet();
            var closed = Enumerable.Range(0, 20).Select(_ => Loopback.FreeTcpPort()).Where(p => !open.Contains(p)).ToList();
            var ports = open.Concat(closed).ToList();
            var rows = await Scan(["127.0.0.1"], new PortScanOptions { Ports = ports, IncludeClosed = true });
            Assert.All(rows, r => Assert.Null(r.Failure));
            Assert.Equal(ports.Count, rows.Count);
            Assert.Equal(open.Order(), rows.Where(r => r.Value!.State == nameof(PortState.Open)).Select(r => r.Value!.Port).Order());
            Assert.All(rows.Where(r => closed.Contains(r.Value!.Port)), r => Assert.Equal(nameof(PortState.Closed), r.Value!.State));

            var openOnly = await Scan(["127.0.0.1"], new PortScanOptions { Ports = ports });
            Assert.Equal(open.Order(), openOnly.Select(r => r.Value!.Port).Order());
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    [Fact]
    public async Task A_full_range_scan_of_loopback_reports_no_false_positives()
    {
        // Self-connects (source port == target port) would show as phantom open ports on a full scan of one's own host.
        using var listener = new TcpListener(IPAddress.IPv6Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var rows = await Scan(["::1"], new PortScanOptions { Ports = [.. Enumerable.Range(1, 65535)] });
        var found = rows.Select(r => r.Value!.Port).ToList();
        Assert.Contains(port, found);
        // Anything else reported should really accept connections (another process on ::1). Tests running in
        // parallel open and close listeners during the scan, so a port or two may be gone by now; a scanner with
        // false positives reports closed ports by the hundred.
        var gone = new List<int>();
        foreach (var p in found.Where(p => p != port))
        {
            using var check = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                check.Connect(IPAddress.IPv6Loopback, p);
            }
            catch (SocketException)
            {
                gone.Add(p);
            }
        }
        Assert.True(gone.Count <= 3, $"reported open but refusing: {string.Join(", ", gone)}");
    }

    [Fact]
    public async Task Rows_carry_names_services_and_latency()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var rows = await Scan(["localhost", "127.0.0.1-127.0.0.3"], new PortScanOptions { Ports = [port], IncludeClosed = true });
        var byName = rows.Select(r => r.Value!).ToDictionary(r => r.ComputerName);
        Assert.Equal(nameof(PortState.Open), byName["localhost"].State);
        Assert.Equal("127.0.0.1", byName["localhost"].Address);
        Assert.Equal(nameof(PortState.Open), byName["127.0.0.1"].State);
        Assert.Equal(nameof(PortState.Closed), byName["127.0.0.2"].State);
        Assert.True(byName["127.0.0.1"].LatencyMs > 0);
    }

    [Fact]
    public async Task Bad_targets_fail_alone()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var rows = await Scan(["not-a-cidr/99", "no-such-host.invalid", "127.0.0.1"], new PortScanOptions { Ports = [port] });
        Assert.Equal(["HostNotResolved", "InvalidTarget"], rows.Where(r => r.Failure is not null).Select(r => r.Failure!.ErrorId).Order());
        Assert.Equal(port, Assert.Single(rows, r => r.Value is not null).Value!.Port);
    }

    [Fact]
    public async Task Cancellation_stops_within_a_second_and_leaves_no_sockets()
    {
        var before = Loopback.OpenSockets();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Scan(["127.0.0.0/16"], new PortScanOptions { Ports = [.. Enumerable.Range(1, 1024)], IncludeClosed = true }, cts.Token));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1.5), $"took {watch.Elapsed}");
        await Task.Delay(200);
        Assert.True(Loopback.OpenSockets() - before < 20, $"sockets before {before}, after {Loopback.OpenSockets()}");
    }

    [Fact]
    public void Service_names_and_the_default_set_come_from_the_shipped_table()
    {
        Assert.Equal("ssh", ServiceNames.Lookup(22));
        Assert.Equal("http", ServiceNames.Lookup(80));
        Assert.Equal("https", ServiceNames.Lookup(443));
        Assert.Equal("", ServiceNames.Lookup(70000));
        Assert.Equal(100, ServiceNames.CommonPorts.Count);
        Assert.Contains(22, ServiceNames.CommonPorts);
        Assert.Contains(3389, ServiceNames.CommonPorts);
        Assert.Equal(ServiceNames.CommonPorts.Order(), ServiceNames.CommonPorts);
    }

    [Fact]
    public void Large_blocks_are_counted_without_being_expanded()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        // Host addresses only: a /8 without network and broadcast, a /64 without its subnet-router address.
        Assert.Equal(16_777_214 + 1, (long)TargetExpansion.CountAddresses(["127.0.0.0/8", "localhost"]));
        Assert.Equal(System.Numerics.BigInteger.Pow(2, 64) - 1, TargetExpansion.CountAddresses(["fd00::/64"]));
        Assert.True(watch.ElapsedMilliseconds < 100);
    }

    [Fact]
    public async Task Rows_come_in_host_then_port_order()
    {
        // Three hosts × 300 ports with an open port on the first host only: the rows (with closed ones) must be in
        // input order although 64 connects finish in any order.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var open = ((IPEndPoint)listener.LocalEndpoint).Port;
        var ports = Enumerable.Range(40_000, 299).Where(p => p != open).Prepend(open).Order().ToList();
        var rows = new List<(string Address, int Port)>();
        await foreach (var o in PortScanner.ScanAsync(["127.0.0.1-127.0.0.3"], new PortScanOptions { Ports = ports, IncludeClosed = true, ThrottleLimit = 64 }))
        {
            rows.Add((o.Value!.Address, o.Value.Port));
        }
        var expected = ThreeHosts.SelectMany(a => ports.Select(p => (a, p))).ToList();
        Assert.Equal(expected, rows);
    }
}
