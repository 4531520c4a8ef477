using System.Net.Sockets;
using PSNetTools.Ping;

namespace PSNetTools.Engine.Tests.Ping;

/// <summary>A raw ICMP socket receives every ICMP message of the host; a lying one must be ignored, not thrown on.</summary>
public class IcmpPacketTests
{
    [Theory]
    [InlineData(20, 15)] // header length says 60 bytes, 20 arrived: the old parser sliced past the end and threw
    [InlineData(24, 7)]
    [InlineData(40, 4)]  // says 16 bytes: shorter than any IPv4 header
    public void An_IPv4_header_length_that_lies_is_not_parsed(int length, int ihl)
    {
        var packet = new byte[length];
        packet[0] = (byte)(0x40 | ihl);
        Assert.False(IcmpPacket.TryParse(packet, AddressFamily.InterNetwork, headerIncluded: true, out _, out _, out _, out _));
    }

    [Fact]
    public void A_real_echo_reply_still_parses()
    {
        var packet = new byte[28];
        packet[0] = 0x45;
        packet[8] = 64;
        var icmp = IcmpPacket.EchoRequest(AddressFamily.InterNetwork, 0x1234, 7, 0);
        icmp[0] = IcmpPacket.EchoReplyV4;
        icmp.CopyTo(packet, 20);
        Assert.True(IcmpPacket.TryParse(packet, AddressFamily.InterNetwork, headerIncluded: true, out var status, out var id, out var seq, out var ttl));
        Assert.Equal((PingStatus.Success, (ushort)0x1234, (ushort)7, 64), (status, id, seq, ttl));
    }
}
