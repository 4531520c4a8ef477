using System.Net;
using System.Net.Sockets;
using System.Text;
using PSNetTools.Servers;

namespace PSNetTools.Transport;

/// <summary>
/// Echoes each datagram back to its sender (optionally behind a prefix). UDP has no connections: every datagram
/// counts as one in ConnectionsAccepted, and ActiveConnections stays 0.
/// </summary>
public sealed class UdpEchoServer : NetServer
{
    private const int MaxDatagram = 65_507;
    private readonly UdpEchoServerOptions _options;
    private readonly byte[] _prefix;
    private Socket? _socket;

    public UdpEchoServer(UdpEchoServerOptions options)
        : base("UdpEcho", options?.Name)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _prefix = Encoding.UTF8.GetBytes(options.ResponsePrefix ?? "");
        Address = options.Address.ToString();
        Port = options.Port;
    }

    public string? ResponsePrefix => _options.ResponsePrefix;

    /// <exception cref="ServerStartException">The port is in use or the address is not on this machine.</exception>
    public static async Task<UdpEchoServer> StartAsync(UdpEchoServerOptions options, CancellationToken cancellationToken = default)
    {
        var server = new UdpEchoServer(options);
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    protected override Task BindAsync(CancellationToken cancellationToken)
    {
        var socket = Bind(_options.Address, _options.Port, SocketType.Dgram, ProtocolType.Udp);
        _socket = socket;
        SetEndpoint((IPEndPoint)socket.LocalEndPoint!);
        return Task.CompletedTask;
    }

    protected override async Task RunAsync(CancellationToken stopping)
    {
        var socket = _socket!;
        // One buffer: the prefix stays at the front and each datagram is received right behind it, so a reply is one send.
        var buffer = new byte[_prefix.Length + MaxDatagram];
        _prefix.CopyTo(buffer, 0);
        EndPoint any = new IPEndPoint(_options.Address.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!stopping.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer.AsMemory(_prefix.Length, MaxDatagram), SocketFlags.None, any, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused or SocketError.MessageSize)
            {
                // An earlier reply met "port unreachable", or a datagram was too big: that sender's problem, not ours.
                CountClientError();
                continue;
            }
            CountAccepted();
            CountReceived(received.ReceivedBytes);
            var total = _prefix.Length + received.ReceivedBytes;
            try
            {
                var sent = await socket.SendToAsync(buffer.AsMemory(0, Math.Min(total, MaxDatagram)), SocketFlags.None, received.RemoteEndPoint, stopping).ConfigureAwait(false);
                CountSent(sent);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                CountClientError();
            }
        }
    }

    protected override Task CloseAsync()
    {
        _socket?.Dispose();
        return Task.CompletedTask;
    }
}
