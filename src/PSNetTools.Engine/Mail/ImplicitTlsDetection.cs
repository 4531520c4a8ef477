using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using MailKit;
using MailKit.Security;

namespace PSNetTools.Mail;

/// <summary>
/// Security Auto on a port that is neither a well-known implicit-TLS port (465, 993, 995) nor a well-known plain one
/// (25, 110, 143, 587, where servers may delay their greeting on purpose, as SMTP greet-pause does): a plain-text mail
/// server greets at once ("* OK", "220", "+OK"), an implicit-TLS one says nothing until the client's hello. So Auto
/// connects, waits a short while for the greeting, and starts TLS when none came; before, it waited for a greeting
/// that never comes and reported "did not answer" after the whole timeout.
/// </summary>
internal static class ImplicitTlsDetection
{
    /// <summary>How long a server may stay silent before Auto takes its port for an implicit-TLS port.</summary>
    public static readonly TimeSpan GreetingWait = TimeSpan.FromSeconds(2);

    private static readonly int[] ImplicitTlsPorts = [465, 993, 995];
    private static readonly int[] PlainPorts = [25, 110, 143, 587];
    private static readonly ConditionalWeakTable<MailService, object> ChoseImplicitTls = [];

    /// <summary>Connects <paramref name="client"/> with the security <paramref name="options"/> ask for, Auto resolved as above.</summary>
    public static async Task ConnectAsync(MailService client, MailServerOptions options, CancellationToken cancellationToken)
    {
        if (options.Security != MailSecurity.Auto || ImplicitTlsPorts.Contains(options.Port) || PlainPorts.Contains(options.Port))
        {
            var mode = Fixed(options);
            if (mode == SecureSocketOptions.SslOnConnect) ChoseImplicitTls.AddOrUpdate(client, true);
            await client.ConnectAsync(options.Server, options.Port, mode, cancellationToken).ConfigureAwait(false);
            return;
        }
        // Dual-mode where the OS has IPv6, so a name or literal of either family connects; IPv4 only otherwise.
        var socket = Socket.OSSupportsIPv6 ? new Socket(SocketType.Stream, ProtocolType.Tcp) : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(options.Server, options.Port, cancellationToken).ConfigureAwait(false);
            // At most half the timeout, so a silent server still gets a TLS handshake (and a timeout of its own) after it.
            var greeted = await GreetsAsync(socket, Min(GreetingWait, options.Timeout / 2), cancellationToken).ConfigureAwait(false);
            if (!greeted)
            {
                options.Status?.Invoke($"{options.Endpoint} sent no greeting within {GreetingWait.TotalSeconds:0.#} s: starting TLS at once (an implicit-TLS port).");
                ChoseImplicitTls.AddOrUpdate(client, true);
            }
            else
            {
                ChoseImplicitTls.Remove(client);
            }
            // MailKit owns the socket from here on, and closes it with the client.
            await client.ConnectAsync(socket, options.Server, options.Port, greeted ? SecureSocketOptions.StartTlsWhenAvailable : SecureSocketOptions.SslOnConnect, cancellationToken)
                .ConfigureAwait(false);
        }
        catch
        {
            if (!client.IsConnected) socket.Dispose();
            throw;
        }
    }

    /// <summary>True when the connection was (or is being) secured with TLS from the first byte.</summary>
    public static bool IsImplicitTls(MailService client) => ChoseImplicitTls.TryGetValue(client, out _);

    private static SecureSocketOptions Fixed(MailServerOptions options) => options.Security switch
    {
        MailSecurity.None => SecureSocketOptions.None,
        MailSecurity.StartTls => SecureSocketOptions.StartTls,
        MailSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => ImplicitTlsPorts.Contains(options.Port) ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable,
    };

    // Polls instead of a cancelled receive: cancelling a pending receive is not guaranteed to leave the socket usable
    // on every platform, and the socket goes on to MailKit. Readable means a greeting arrived or the server hung up;
    // either way MailKit reads it and reports what it finds.
    private static async Task<bool> GreetsAsync(Socket socket, TimeSpan wait, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (socket.Poll(0, SelectMode.SelectRead)) return true;
            if (watch.Elapsed >= wait) return false;
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
