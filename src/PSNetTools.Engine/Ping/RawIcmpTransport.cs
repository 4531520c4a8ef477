using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PSNetTools.Ping;

/// <summary>
/// fping's design: one ICMP socket per address family for every host of the run, one receive loop matching replies to
/// requests by identifier and sequence. Raw sockets need root (or CAP_NET_RAW); Linux also offers unprivileged
/// "ping sockets" (SOCK_DGRAM + ICMP) to the groups in net.ipv4.ping_group_range, where the kernel owns the identifier.
/// </summary>
internal sealed class RawIcmpTransport : IEchoTransport
{
    private readonly Socket _socket;
    private readonly AddressFamily _family;
    private readonly bool _datagram;
    private readonly int _payloadSize;
    private readonly ushort _identifier = (ushort)Random.Shared.Next(1, 65535);
    private readonly ConcurrentDictionary<ushort, Pending> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _receiving;
    private int _sequence = Random.Shared.Next(0, 65535);

    private RawIcmpTransport(Socket socket, AddressFamily family, bool datagram, int payloadSize)
    {
        _socket = socket;
        _family = family;
        _datagram = datagram;
        _payloadSize = payloadSize;
        _receiving = Task.Run(ReceiveLoopAsync);
    }

    public string Method => _datagram ? "ICMP ping socket" : "raw ICMP socket";

    /// <summary>Opens a raw ICMP socket, else a Linux ping socket; null when the process may do neither.</summary>
    public static RawIcmpTransport? TryOpen(AddressFamily family, int payloadSize, int? ttl)
    {
        var protocol = family == AddressFamily.InterNetworkV6 ? ProtocolType.IcmpV6 : ProtocolType.Icmp;
        foreach (var type in new[] { SocketType.Raw, SocketType.Dgram })
        {
            Socket socket;
            try
            {
                socket = new Socket(family, type, protocol);
            }
            catch (SocketException)
            {
                continue;
            }
            try
            {
                if (ttl is { } t)
                {
                    if (family == AddressFamily.InterNetworkV6) socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.HopLimit, t);
                    else socket.Ttl = (short)t;
                }
                socket.Bind(new IPEndPoint(family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
                // Large receive buffer: 254 hosts answering at once must not overflow it.
                socket.ReceiveBufferSize = 1 << 20;
            }
            catch (SocketException)
            {
                socket.Dispose();
                continue;
            }
            return new RawIcmpTransport(socket, family, type == SocketType.Dgram, payloadSize);
        }
        return null;
    }

    public async Task<(PingStatus Status, double RoundTripMs, int Ttl, IPAddress? From)> PingAsync(IPAddress address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var sequence = (ushort)Interlocked.Increment(ref _sequence);
        var pending = new Pending(address);
        _pending[sequence] = pending;
        try
        {
            var packet = IcmpPacket.EchoRequest(_family, _identifier, sequence, _payloadSize);
            pending.Started = Stopwatch.GetTimestamp();
            try
            {
                await _socket.SendToAsync(packet, SocketFlags.None, new IPEndPoint(address, 0), cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.HostUnreachable or SocketError.NetworkUnreachable)
            {
                return (PingStatus.DestinationUnreachable, 0, 0, null);
            }
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timer.CancelAfter(timeout);
            try
            {
                return await pending.Reply.Task.WaitAsync(timer.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return (PingStatus.TimedOut, 0, 0, null);
            }
        }
        finally
        {
            _pending.TryRemove(sequence, out _);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(_family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_closing.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _closing.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            try
            {
                Deliver(buffer.AsSpan(0, received.ReceivedBytes), received.RemoteEndPoint);
            }
            catch (Exception ex) when (ex is ArgumentException or IndexOutOfRangeException or InvalidCastException)
            {
                // A raw socket sees every ICMP message of the host: one that does not parse must not end the loop.
            }
        }
    }

    private void Deliver(ReadOnlySpan<byte> packet, EndPoint remote)
    {
        var now = Stopwatch.GetTimestamp();
        // Raw IPv4 sockets deliver the IP header; IPv6 raw and Linux ping sockets deliver the ICMP message alone.
        var headerIncluded = !_datagram && _family == AddressFamily.InterNetwork;
        if (!IcmpPacket.TryParse(packet, _family, headerIncluded, out var status, out var identifier, out var sequence, out var ttl)) return;
        // A ping socket's identifier is chosen by the kernel, which already filters replies for this socket.
        if (!_datagram && identifier != _identifier) return;
        if (!_pending.TryGetValue(sequence, out var pending)) return;
        var from = ((IPEndPoint)remote).Address;
        if (status == PingStatus.Success && !from.Equals(pending.Address)) return;
        var rtt = Stopwatch.GetElapsedTime(pending.Started, now).TotalMilliseconds;
        pending.Reply.TrySetResult((status, status == PingStatus.Success ? rtt : 0, ttl, from));
    }

    public void Dispose()
    {
        _closing.Cancel();
        _socket.Dispose();
        try
        {
            _receiving.Wait(TimeSpan.FromSeconds(1));
        }
        catch (AggregateException)
        {
        }
        _closing.Dispose();
    }

    private sealed class Pending(IPAddress address)
    {
        public IPAddress Address { get; } = address;

        public long Started { get; set; }

        public TaskCompletionSource<(PingStatus, double, int, IPAddress?)> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
