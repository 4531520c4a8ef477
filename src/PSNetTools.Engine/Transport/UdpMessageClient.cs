using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PSNetTools.Net;

namespace PSNetTools.Transport;

/// <summary>Send-UdpMessage: each message is one datagram; the reply is every datagram that arrives until the peer goes quiet.</summary>
public static class UdpMessageClient
{
    public const int MaxDatagram = 65_507;

    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>A target that fails (refused, unresolvable, timed out, TLS) is an <see cref="PSNetTools.Net.Outcome"/> failure in its place, not an exception.</remarks>
    public static IAsyncEnumerable<Outcome<MessageExchange>> RunAsync(IEnumerable<string> computerNames, MessageOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return FanOut.RunAsync(computerNames, options.ThrottleLimit, (t, ct) => ExchangeAsync(t, options, ct), cancellationToken);
    }

    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>Send and reply failures are the outcome's failure.</remarks>
    public static async Task<Outcome<MessageExchange>> ExchangeAsync(ResolvedTarget target, MessageOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var where = target.Describe(options.Port);
        var replies = new List<MessageReply>();
        using var socket = new Socket(target.Address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        // Connected: only the target's datagrams are received, and "port unreachable" surfaces as a refusal.
        await socket.ConnectAsync(new IPEndPoint(target.Address, options.Port), cancellationToken).ConfigureAwait(false);
        var reader = new ReplyReader(socket.ReceiveAsync, cancellationToken, 65_536);
        var sequence = 0;
        foreach (var payload in options.Payloads)
        {
            sequence++;
            var watch = Stopwatch.StartNew();
            try
            {
                if (payload.Length > MaxDatagram)
                {
                    return Outcome.Success(new MessageExchange(replies, new TargetFailure(where, "MessageTooLarge", FailureKind.InvalidTarget,
                        $"Message {sequence} is {payload.Length} bytes; a UDP datagram holds at most {MaxDatagram:N0}. Split it, or use Send-TcpMessage.")));
                }
                await socket.SendAsync(payload, cancellationToken).ConfigureAwait(false);
                options.Log?.Invoke($"{where}: sent a {payload.Length}-byte datagram to {target.Address}.");
                var (bytes, completion, firstByteMs) = options.NoResponse
                    ? ([], "NotAwaited", 0)
                    : await reader.ReadAsync(options, watch, cancellationToken).ConfigureAwait(false);
                if (completion == ReplyReader.TooLarge) return Outcome.Success(new MessageExchange(replies, ReplyReader.TooLargeFailure(where, sequence, options)));
                if (!options.NoResponse) options.Log?.Invoke($"{where}: received {bytes.Length} bytes ({completion}).");
                replies.Add(new MessageReply
                {
                    ComputerName = target.ComputerName,
                    Address = target.Address.ToString(),
                    Port = options.Port,
                    Protocol = "Udp",
                    Sequence = sequence,
                    SentBytes = payload.Length,
                    ReceivedBytes = bytes.Length,
                    Text = options.Encoding.GetString(bytes),
                    // UDP has no connection to close: a "closed" read here cannot happen, quiet is the normal end.
                    Completion = completion,
                    FirstByteMs = RoundTripStats.Round(firstByteMs),
                    TotalMs = RoundTripStats.Round(watch.Elapsed.TotalMilliseconds),
                    Bytes = bytes,
                });
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset)
            {
                return Outcome.Success(new MessageExchange(replies, new TargetFailure(where, "ConnectionRefused", FailureKind.ConnectionRefused,
                    $"{where}: the host answered 'port unreachable'; nothing listens on that UDP port.", ex)));
            }
            catch (SocketException ex)
            {
                return Outcome.Success(new MessageExchange(replies, SocketFailures.From(where, ex)));
            }
        }
        return Outcome.Success(new MessageExchange(replies, null));
    }
}
