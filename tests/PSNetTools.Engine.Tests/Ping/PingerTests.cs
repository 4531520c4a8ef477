using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using PSNetTools.Ping;
using PSNetTools.Net;

namespace PSNetTools.Engine.Tests.Ping;

public class PingerTests
{
    private static async Task<List<Outcome<PingSummary>>> Run(PingOptions options, params string[] targets)
    {
        using var pinger = new Pinger(options);
        var all = new List<Outcome<PingSummary>>();
        await foreach (var o in pinger.RunAsync(targets)) all.Add(o);
        return all;
    }

    [Fact]
    public async Task Loopback_v4_and_v6_answer_every_request()
    {
        var rows = await Run(new PingOptions { Count = 3, Interval = TimeSpan.FromMilliseconds(100) }, "127.0.0.1", "::1", "localhost");
        Assert.All(rows, r => Assert.Null(r.Failure));
        Assert.Equal(3, rows.Count);
        Assert.All(rows.Select(r => r.Value!), s =>
        {
            Assert.Equal((3, 3, 0.0, "Success"), (s.Sent, s.Received, s.LossPercent, s.Status));
            Assert.True(s.MinMs > 0 && s.MinMs <= s.AvgMs && s.AvgMs <= s.MaxMs);
        });
        Assert.Contains(rows, r => r.Value!.Address == "::1");
    }

    [Fact]
    public async Task Hosts_are_pinged_side_by_side_not_one_after_another()
    {
        var hosts = Enumerable.Range(1, 40).Select(i => $"127.0.0.{i}").ToArray();
        var options = new PingOptions { Count = 3, Interval = TimeSpan.FromMilliseconds(300) };
        var watch = Stopwatch.StartNew();
        var rows = await Run(options, hosts);
        watch.Stop();
        Assert.Equal(40, rows.Count(r => r.Value?.Received == 3));
        // One after another would take 40 × 3 × 0.3 s = 36 s; side by side about 2 intervals plus the last reply.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task The_interval_is_honoured_per_host()
    {
        var watch = Stopwatch.StartNew();
        await Run(new PingOptions { Count = 4, Interval = TimeSpan.FromMilliseconds(400) }, "127.0.0.1");
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(1150), $"4 requests 0.4 s apart finished after {watch.Elapsed}");
    }

    [Fact]
    public async Task Continuous_streams_replies_until_cancelled()
    {
        using var pinger = new Pinger(new PingOptions { Continuous = true, Interval = TimeSpan.FromMilliseconds(100) });
        var replies = new List<PingReply>();
        var arrivals = new List<TimeSpan>();
        // Cancel from the fifth reply on (not after a fixed time: a loaded machine delays replies, not the contract).
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var cancelledAt = TimeSpan.Zero;
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in pinger.RunAsync(["127.0.0.1"], r =>
            {
                lock (replies)
                {
                    replies.Add(r);
                    arrivals.Add(watch.Elapsed);
                    if (replies.Count == 5) { cancelledAt = watch.Elapsed; cts.Cancel(); }
                }
            }, cts.Token))
            {
            }
        });
        Assert.True(cancelledAt > TimeSpan.Zero, $"only {replies.Count} replies in 20 s");
        Assert.True(watch.Elapsed - cancelledAt < TimeSpan.FromSeconds(1), $"cancellation took {watch.Elapsed - cancelledAt}");
        // Continuous means no count limit: it ran past the default of 4. Cancelling stops it at once: echoes already
        // in flight on a loaded machine may still land, but none arrives after half a second (five intervals).
        Assert.True(replies.Count >= 5);
        Assert.DoesNotContain(arrivals, t => t > cancelledAt + TimeSpan.FromMilliseconds(500));
        Assert.All(replies, r => Assert.Equal(nameof(PingStatus.Success), r.Status));
        Assert.Equal(replies.Count, replies.Select(r => r.Sequence).Distinct().Count());
    }

    [Fact]
    public async Task Buffer_size_and_ttl_are_accepted_by_the_network()
    {
        var rows = await Run(new PingOptions { Count = 1, BufferSize = 1400, Ttl = 1 }, "127.0.0.1", "::1");
        Assert.All(rows, r => Assert.Equal(1, r.Value!.Received));
    }

    [Fact]
    public async Task Bad_targets_fail_alone()
    {
        var rows = await Run(new PingOptions { Count = 1 }, "no-such-host.invalid", "300.1.2.3/40", "127.0.0.1");
        Assert.Equal(["HostNotResolved", "InvalidTarget"], rows.Where(r => r.Failure is not null).Select(r => r.Failure!.ErrorId).Order());
        Assert.Single(rows, r => r.Value?.Received == 1);
    }

    [Fact]
    public void Summary_statistics_match_ping_conventions()
    {
        PingReply R(int seq, PingStatus status, double ms) => new() { ComputerName = "h", Address = "127.0.0.1", Sequence = seq, Status = status.ToString(), RoundTripMs = ms };
        var s = PingSummary.From("h", "127.0.0.1", [R(1, PingStatus.Success, 1), R(2, PingStatus.Success, 3), R(3, PingStatus.TimedOut, 0), R(4, PingStatus.Success, 2)]);
        Assert.Equal((4, 3, 25.0, "PartialLoss"), (s.Sent, s.Received, s.LossPercent, s.Status));
        Assert.Equal((1.0, 2.0, 3.0), (s.MinMs, s.AvgMs, s.MaxMs));
        Assert.Equal(Math.Round(Math.Sqrt(2.0 / 3), 3), s.StdDevMs); // population deviation, as ping's mdev

        var lost = PingSummary.From("h", "127.0.0.1", [R(1, PingStatus.TimedOut, 0), R(2, PingStatus.TimedOut, 0)]);
        Assert.Equal((0, 100.0, "TimedOut", 0.0), (lost.Received, lost.LossPercent, lost.Status, lost.AvgMs));
        var unreachable = PingSummary.From("h", "127.0.0.1", [R(1, PingStatus.DestinationUnreachable, 0)]);
        Assert.Equal("DestinationUnreachable", unreachable.Status);
    }

    [Fact]
    public void Echo_requests_carry_a_valid_checksum_and_replies_and_errors_are_parsed()
    {
        var request = IcmpPacket.EchoRequest(AddressFamily.InterNetwork, 0x1234, 7, 32);
        Assert.Equal(40, request.Length);
        Assert.Equal(0, IcmpPacket.Checksum(request)); // a packet with its checksum in place sums to zero

        var reply = (byte[])request.Clone();
        reply[0] = IcmpPacket.EchoReplyV4;
        var ip = new byte[20];
        ip[0] = 0x45;
        ip[8] = 63;
        Assert.True(IcmpPacket.TryParse([.. ip, .. reply], AddressFamily.InterNetwork, headerIncluded: true, out var status, out var id, out var seq, out var ttl));
        Assert.Equal((PingStatus.Success, (ushort)0x1234, (ushort)7, 63), (status, id, seq, ttl));

        // Time exceeded quoting our request: type 11, 4 unused bytes, then the original IP header and 8 bytes.
        byte[] error = [IcmpPacket.TimeExceededV4, 0, 0, 0, 0, 0, 0, 0, .. ip, .. request.AsSpan(0, 8)];
        Assert.True(IcmpPacket.TryParse(error, AddressFamily.InterNetwork, headerIncluded: false, out status, out id, out seq, out _));
        Assert.Equal((PingStatus.TtlExpired, (ushort)0x1234, (ushort)7), (status, id, seq));

        // Our own request seen on loopback is not a reply.
        Assert.False(IcmpPacket.TryParse(request, AddressFamily.InterNetwork, headerIncluded: false, out _, out _, out _, out _));
        var v6 = IcmpPacket.EchoRequest(AddressFamily.InterNetworkV6, 1, 2, 0);
        Assert.Equal((IcmpPacket.EchoRequestV6, (ushort)2), (v6[0], BinaryPrimitives.ReadUInt16BigEndian(v6.AsSpan(6))));
    }
}
