using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using PSNetTools.Net;

namespace PSNetTools.Transport;

/// <summary>Send-TcpMessage: the seed's client and robust client. Connect (with retries), send each message, read each answer.</summary>
public static class TcpMessageClient
{
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>A target that fails (refused, unresolvable, timed out, TLS) is an <see cref="PSNetTools.Net.Outcome"/> failure in its place, not an exception.</remarks>
    public static IAsyncEnumerable<Outcome<MessageExchange>> RunAsync(IEnumerable<string> computerNames, MessageOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return FanOut.RunAsync(computerNames, options.ThrottleLimit, (t, ct) => ExchangeAsync(t, options, ct), cancellationToken);
    }

    /// <remarks>Connect, TLS and reply failures come back as the outcome's failure.</remarks>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>Connect, TLS and reply failures are the outcome's failure.</remarks>
    public static async Task<Outcome<MessageExchange>> ExchangeAsync(ResolvedTarget target, MessageOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var where = target.Describe(options.Port);
        var replies = new List<MessageReply>();
        Connection connection;
        options.Log?.Invoke($"{where}: connecting to {target.Address}{(options.UseTls ? " with TLS" : "")} (timeout {options.ConnectTimeout.TotalSeconds:0.###} s).");
        try
        {
            connection = await options.Retry.ExecuteAsync(
                (attempt, ct) => ConnectAsync(target, options, attempt, ct),
                (attempt, ex, delay) => options.Log?.Invoke($"{where}: attempt {attempt} failed ({ex.Message}); retrying in {delay.TotalSeconds:0.##} s."),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException or IOException or AuthenticationException)
        {
            return Outcome.Success(new MessageExchange(replies, Describe(where, ex, options)));
        }

        options.Log?.Invoke($"{where}: connected in {connection.ConnectMs:0.###} ms" + (connection.Attempt > 1 ? $" on attempt {connection.Attempt}." : "."));
        await using (connection.ConfigureAwait(false))
        {
            var reader = new ReplyReader(connection.Stream.ReadAsync, cancellationToken);
            var sequence = 0;
            foreach (var payload in options.Payloads)
            {
                sequence++;
                var watch = Stopwatch.StartNew();
                try
                {
                    await Deadline.RunAsync(ct => connection.Stream.WriteAsync(payload, ct).AsTask(), options.ReadTimeout, where, cancellationToken).ConfigureAwait(false);
                    options.Log?.Invoke($"{where}: sent {payload.Length} bytes.");
                    var (bytes, completion, firstByteMs) = await reader.ReadAsync(options, watch, cancellationToken).ConfigureAwait(false);
                    if (completion == ReplyReader.TooLarge) return Outcome.Success(new MessageExchange(replies, ReplyReader.TooLargeFailure(where, sequence, options)));
                    options.Log?.Invoke($"{where}: received {bytes.Length} bytes ({completion}).");
                    replies.Add(new MessageReply
                    {
                        ComputerName = target.ComputerName,
                        Address = target.Address.ToString(),
                        Port = options.Port,
                        Protocol = options.UseTls ? "Tls" : "Tcp",
                        Sequence = sequence,
                        SentBytes = payload.Length,
                        ReceivedBytes = bytes.Length,
                        Text = options.Encoding.GetString(bytes),
                        Completion = completion,
                        ConnectMs = sequence == 1 ? connection.ConnectMs : 0,
                        FirstByteMs = RoundTripStats.Round(firstByteMs),
                        TotalMs = RoundTripStats.Round(watch.Elapsed.TotalMilliseconds),
                        Attempts = connection.Attempt,
                        TlsProtocol = connection.TlsProtocol,
                        Bytes = bytes,
                    });
                    if (reader.PeerClosed && sequence < options.Payloads.Count)
                    {
                        return Outcome.Success(new MessageExchange(replies, new TargetFailure(where, ErrorIds.ConnectionClosed, FailureKind.ConnectionReset,
                            $"{where}: the peer closed the connection after message {sequence}; {options.Payloads.Count - sequence} message(s) were not sent.")));
                    }
                }
                catch (Exception ex) when (ex is SocketException or TimeoutException or IOException)
                {
                    return Outcome.Success(new MessageExchange(replies, await AfterHandshakeAsync(where, ex, connection.Stream, options).ConfigureAwait(false)));
                }
            }
        }
        return Outcome.Success(new MessageExchange(replies, null));
    }

    // After the handshake a reset is a reset, not a TLS failure. But a TLS 1.3 server that wants a client certificate
    // sends its alert after the handshake and closes at once, so the first message's write can meet the closed socket
    // (a reset, or a broken pipe) with the alert still unread: reading it names the reason.
    private static async Task<TargetFailure> AfterHandshakeAsync(string where, Exception ex, Stream stream, MessageOptions options)
    {
        if (options.UseTls && options.Tls.ClientCertificate is null &&
            Failures.Innermost<SocketException>(ex) is { } socket && Failures.IsReset(socket.SocketErrorCode))
        {
            try
            {
                await Deadline.RunAsync(ct => stream.ReadAsync(new byte[256], ct).AsTask(), TimeSpan.FromSeconds(1), where, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception alert) when (alert is IOException or AuthenticationException && Failures.RequiresClientCertificate(alert))
            {
                return Failures.From(where, alert);
            }
            catch (Exception other) when (other is not OperationCanceledException)
            {
                // Nothing more to learn (the stream may refuse a read after its failed write): the write's own
                // failure says what happened, and this target's error must not become the whole command's.
            }
        }
        return Failures.From(where, ex, options.ConnectTimeout);
    }

    // A failure before the handshake finished is the TLS handshake's, whatever broke it (garbage, a reset, a bad certificate).
    private static TargetFailure Describe(string where, Exception ex, MessageOptions options) =>
        options.UseTls && ex is AuthenticationException or IOException
            ? Failures.Tls(where, ex)
            : Failures.From(where, ex, options.ConnectTimeout);

    private static async Task<Connection> ConnectAsync(ResolvedTarget target, MessageOptions options, int attempt, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var socket = await TcpConnect.ConnectAsync(target.Address, options.Port, options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        string? protocol = null;
        if (options.UseTls)
        {
            var ssl = await TlsClientUpgrade.AuthenticateAsync(stream, options.ServerName ?? target.ComputerName, options.Tls, options.ConnectTimeout,
                target.Describe(options.Port), options.Log, cancellationToken).ConfigureAwait(false);
            stream = ssl;
            protocol = ssl.SslProtocol.ToString();
        }
        return new Connection(stream, RoundTripStats.Round(watch.Elapsed.TotalMilliseconds), attempt, protocol);
    }

    private sealed record Connection(Stream Stream, double ConnectMs, int Attempt, string? TlsProtocol) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Stream.DisposeAsync();
    }
}
