using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PSNetTools.Testing.Mail;

/// <summary>
/// An IMAP server on loopback that rejects every password the way Dovecot does by default: it offers AUTH=PLAIN and
/// AUTH=LOGIN, waits <see cref="FailureDelay"/> (Dovecot's auth_failure_delay is 2 s) and answers NO. It counts the
/// login attempts (AUTHENTICATE and LOGIN), which is what a server's lockout or fail2ban counts.
/// </summary>
public sealed class CountingImapPeer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _attempts;

    public CountingImapPeer(TimeSpan failureDelay)
    {
        FailureDelay = failureDelay;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public TimeSpan FailureDelay { get; }

    public int Attempts => Volatile.Read(ref _attempts);

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(client);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=LOGIN] counting peer ready");
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var parts = line.Split(' ', 3);
                var tag = parts[0];
                var command = parts.Length > 1 ? parts[1].ToUpperInvariant() : "";
                switch (command)
                {
                    case "CAPABILITY":
                        await writer.WriteLineAsync("* CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=LOGIN");
                        await writer.WriteLineAsync($"{tag} OK CAPABILITY completed");
                        break;
                    case "AUTHENTICATE":
                        var mechanism = parts.Length > 2 ? parts[2].Split(' ')[0].ToUpperInvariant() : "";
                        // PLAIN sends one response to an empty challenge, LOGIN two (user name, then password).
                        var rounds = parts.Length > 2 && parts[2].Contains(' ', StringComparison.Ordinal) ? 0 : mechanism == "LOGIN" ? 2 : 1;
                        for (var i = 0; i < rounds; i++)
                        {
                            await writer.WriteLineAsync("+ ");
                            if (await reader.ReadLineAsync(_stop.Token) is null) return;
                        }
                        await RejectAsync(writer, tag);
                        break;
                    case "LOGIN":
                        await RejectAsync(writer, tag);
                        break;
                    case "LOGOUT":
                        await writer.WriteLineAsync("* BYE logging out");
                        await writer.WriteLineAsync($"{tag} OK LOGOUT completed");
                        return;
                    default:
                        await writer.WriteLineAsync($"{tag} BAD not here");
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task RejectAsync(StreamWriter writer, string tag)
    {
        Interlocked.Increment(ref _attempts);
        await Task.Delay(FailureDelay, _stop.Token);
        await writer.WriteLineAsync($"{tag} NO [AUTHENTICATIONFAILED] Authentication failed.");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
