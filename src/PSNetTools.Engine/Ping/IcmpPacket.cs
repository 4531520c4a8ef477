using System.Buffers.Binary;
using System.Net.Sockets;

namespace PSNetTools.Ping;

/// <summary>ICMP echo request building and reply parsing (RFC 792, RFC 4443).</summary>
internal static class IcmpPacket
{
    public const byte EchoRequestV4 = 8;
    public const byte EchoReplyV4 = 0;
    public const byte UnreachableV4 = 3;
    public const byte TimeExceededV4 = 11;
    public const byte EchoRequestV6 = 128;
    public const byte EchoReplyV6 = 129;
    public const byte UnreachableV6 = 1;
    public const byte TimeExceededV6 = 3;

    public static byte[] EchoRequest(AddressFamily family, ushort identifier, ushort sequence, int payloadSize)
    {
        var packet = new byte[8 + payloadSize];
        packet[0] = family == AddressFamily.InterNetworkV6 ? EchoRequestV6 : EchoRequestV4;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), identifier);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), sequence);
        for (var i = 8; i < packet.Length; i++) packet[i] = (byte)('a' + ((i - 8) % 23)); // what Windows ping sends
        // ICMPv6 checksums cover a pseudo-header the kernel fills in; it computes them for raw ICMPv6 sockets.
        if (family == AddressFamily.InterNetwork) BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), Checksum(packet));
        return packet;
    }

    public static ushort Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (var i = 0; i + 1 < data.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if ((data.Length & 1) == 1) sum += (uint)(data[^1] << 8);
        while (sum >> 16 != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

    /// <summary>
    /// Reads a received ICMP message: an echo reply, or an error quoting one of our requests.
    /// <paramref name="headerIncluded"/>: raw IPv4 sockets deliver the IP header first.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> data, AddressFamily family, bool headerIncluded,
        out PingStatus status, out ushort identifier, out ushort sequence, out int ttl)
    {
        status = PingStatus.Other;
        identifier = sequence = 0;
        ttl = 0;
        if (headerIncluded && family == AddressFamily.InterNetwork)
        {
            // The header length comes from the packet: a lying one (longer than what arrived) is not ours to parse.
            var ipHeader = (data[0] & 0x0F) * 4;
            if (data.Length < 20 || ipHeader < 20 || ipHeader > data.Length) return false;
            ttl = data[8];
            data = data[ipHeader..];
        }
        if (data.Length < 8) return false;
        var v6 = family == AddressFamily.InterNetworkV6;
        var type = data[0];
        if (type == (v6 ? EchoReplyV6 : EchoReplyV4))
        {
            status = PingStatus.Success;
            identifier = BinaryPrimitives.ReadUInt16BigEndian(data[4..]);
            sequence = BinaryPrimitives.ReadUInt16BigEndian(data[6..]);
            return true;
        }
        if (type == (v6 ? UnreachableV6 : UnreachableV4) || type == (v6 ? TimeExceededV6 : TimeExceededV4))
        {
            status = type == (v6 ? UnreachableV6 : UnreachableV4) ? PingStatus.DestinationUnreachable : PingStatus.TtlExpired;
            // The error quotes our request: its IP header, then the first 8 bytes of the ICMP echo request.
            var quoted = data[8..];
            var headerLength = v6 ? 40 : quoted.Length > 0 ? (quoted[0] & 0x0F) * 4 : 0;
            if (quoted.Length < headerLength + 8) return false;
            var request = quoted[headerLength..];
            if (request[0] != (v6 ? EchoRequestV6 : EchoRequestV4)) return false;
            identifier = BinaryPrimitives.ReadUInt16BigEndian(request[4..]);
            sequence = BinaryPrimitives.ReadUInt16BigEndian(request[6..]);
            return true;
        }
        return false; // our own requests seen on loopback, other ICMP traffic
    }
}
