using System.Net;
using System.Net.Sockets;

namespace PSNetTools.Net;

/// <summary>A TCP connect with a timeout that disposes the socket on every failure path.</summary>
public static class TcpConnect
{
    /// <exception cref="SocketException">The connection was refused, reset or could not be made.</exception>
    /// <exception cref="TimeoutException">No connection within <paramref name="timeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<Socket> ConnectAsync(IPAddress address, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await Deadline.RunAsync(ct => socket.ConnectAsync(address, port, ct).AsTask(), timeout, $"{address}:{port}", cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
