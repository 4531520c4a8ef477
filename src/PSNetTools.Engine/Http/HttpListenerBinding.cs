using System.Net;
using System.Net.Sockets;

namespace PSNetTools.Engine.Http;

/// <summary>Starts an HttpListener on an address and port the way every HTTP server of the module needs it.</summary>
internal static class HttpListenerBinding
{
    /// <summary>Port 0 picks a free port (HttpListener cannot); on loopback http://localhost:port/ is answered too.</summary>
    public static (HttpListener Listener, int Port) Start(IPAddress address, int port)
    {
        // A port picked for us can be taken by someone else before HttpListener binds it: pick again, a few times.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return StartOnce(address, port);
            }
            catch (SocketException ex) when (port == 0 && attempt < 5 && ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
            }
        }
    }

    private static (HttpListener Listener, int Port) StartOnce(IPAddress address, int port)
    {
        if (port == 0)
        {
            using var probe = new TcpListener(address, 0);
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var host = address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? "*"
            : address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        var listener = new HttpListener { IgnoreWriteExceptions = true };
        listener.Prefixes.Add($"http://{host}:{port}/");
        // HttpListener answers 404 to a Host header no prefix names: on loopback, let http://localhost:port/ work too.
        if (IPAddress.IsLoopback(address)) listener.Prefixes.Add($"http://localhost:{port}/");
        try
        {
            listener.Start();
        }
        catch (HttpListenerException ex)
        {
            try
            {
                listener.Close();
            }
            catch (HttpListenerException)
            {
                // Closing a listener that never bound can fail the same way; nothing is held either way.
            }

            // Map "address in use" to the socket error NetServer turns into a message naming the port.
            // 400 "conflicts with an existing registration": another HttpListener of this process has the port.
            throw new SocketException(ex.ErrorCode is 98 or 48 or 10048 or 183 or 400 || ex.Message.Contains("in use", StringComparison.OrdinalIgnoreCase)
                || ex.Message.Contains("conflicts", StringComparison.OrdinalIgnoreCase)
                ? (int)SocketError.AddressAlreadyInUse
                : (int)SocketError.AccessDenied);
        }
        return (listener, port);
    }

    /// <summary>Stops and closes a listener; never throws, because a server being stopped must always end.</summary>
    /// <remarks>
    /// The managed HttpListener removes each prefix by looking its endpoint up again, and re-binds the port when another
    /// listener of this process already dropped that endpoint: that bind fails with "address in use" (and holds nothing).
    /// </remarks>
    public static void Release(HttpListener? listener)
    {
        if (listener is null) return;
        try
        {
            listener.Stop();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
        }
        try
        {
            listener.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
        }
    }
}
