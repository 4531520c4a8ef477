using System.Net;
using SysPing = System.Net.NetworkInformation;
using System.Net.Sockets;
using PSNetTools.Net;

namespace PSNetTools.Ping;

/// <summary>
/// The fallback when this process may not open ICMP sockets: .NET's Ping, which on Windows uses IcmpSendEcho and on
/// Linux/macOS without privileges runs the system's ping program once per request (slower, still concurrent).
/// </summary>
internal sealed class SystemPingTransport(int payloadSize, int? ttl) : IEchoTransport
{
    // .NET's own default payload: the only one its ping-program fallback accepts.
    private const int DefaultPayloadSize = 32;

    /// <summary>The error id when a payload size other than the default needs ICMP sockets this process may not open.</summary>
    public const string PayloadSizeUnsupported = "PingPayloadUnsupported";
    private readonly byte[] _payload = Enumerable.Range(0, payloadSize).Select(i => (byte)('a' + (i % 23))).ToArray();

    public async Task<(PingStatus Status, double RoundTripMs, int Ttl, IPAddress? From)> PingAsync(IPAddress address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var ping = new SysPing.Ping();
        var options = new SysPing.PingOptions { Ttl = ttl ?? 128 };
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        SysPing.PingReply reply;
        try
        {
            reply = payloadSize == DefaultPayloadSize && ttl is null
                ? await ping.SendPingAsync(address, (int)timeout.TotalMilliseconds).WaitAsync(cancellationToken).ConfigureAwait(false)
                : await ping.SendPingAsync(address, timeout, _payload, options, cancellationToken).ConfigureAwait(false);
        }
        catch (PlatformNotSupportedException ex)
        {
            throw new TargetFailureException(new TargetFailure(address.ToString(), PayloadSizeUnsupported, FailureKind.PermissionDenied,
                $"Without ICMP sockets only the default payload of {DefaultPayloadSize} bytes can be sent (through the system's ping program); run as root, " +
                "grant CAP_NET_RAW, or widen net.ipv4.ping_group_range to send other sizes.", ex));
        }
        catch (SysPing.PingException ex) when (ex.InnerException is SocketException)
        {
            return (PingStatus.Other, 0, 0, null);
        }
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return reply.Status switch
        {
            SysPing.IPStatus.Success => (PingStatus.Success, reply.RoundtripTime > 0 ? reply.RoundtripTime : elapsed, reply.Options?.Ttl ?? 0, reply.Address),
            SysPing.IPStatus.TimedOut => (PingStatus.TimedOut, 0, 0, null),
            SysPing.IPStatus.TtlExpired or SysPing.IPStatus.TimeExceeded => (PingStatus.TtlExpired, 0, 0, reply.Address),
            SysPing.IPStatus.DestinationHostUnreachable or SysPing.IPStatus.DestinationNetworkUnreachable or SysPing.IPStatus.DestinationUnreachable
                or SysPing.IPStatus.DestinationPortUnreachable => (PingStatus.DestinationUnreachable, 0, 0, reply.Address),
            _ => (PingStatus.Other, 0, 0, reply.Address),
        };
    }

    public void Dispose()
    {
    }
}
