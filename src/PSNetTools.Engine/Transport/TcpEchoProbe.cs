using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using PSNetTools.Net;

namespace PSNetTools.Transport;

/// <summary>Test-TcpEcho: sends the message Count times over one connection (inside TLS with UseTls) and times each echo.</summary>
public static class TcpEchoProbe
{
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>A target that fails (refused, unresolvable, timed out, TLS) is an <see cref="PSNetTools.Net.Outcome"/> failure in its place, not an exception.</remarks>
    public static IAsyncEnumerable<Outcome<EchoTestResult>> RunAsync(IEnumerable<string> computerNames, EchoProbeOptions options, CancellationToken cancellationToken = default) =>
        FanOut.RunAsync(computerNames, options.ThrottleLimit, (t, ct) => ProbeAsync(t, options, ct), cancellationToken);

    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ArgumentException">The message is empty: nothing could be echoed.</exception>
    /// <remarks>Connect, TLS and echo failures are the outcome's failure.</remarks>
    public static async Task<Outcome<EchoTestResult>> ProbeAsync(ResolvedTarget target, EchoProbeOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Message.Length == 0) throw new ArgumentException("An echo probe needs a message of at least one character.", nameof(options));
        var where = target.Describe(options.Port);
        options.Log?.Invoke($"{where}: connecting to {target.Address} (timeout {options.Timeout.TotalSeconds:0.###} s).");
        var connecting = Stopwatch.StartNew();
        Socket socket;
        try
        {
            socket = await TcpConnect.ConnectAsync(target.Address, options.Port, options.Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException)
        {
            return Outcome.Failed<EchoTestResult>(SocketFailures.From(where, ex, options.Timeout.TotalSeconds));
        }
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        string? tlsProtocol = null;
        if (options.UseTls)
        {
            try
            {
                var ssl = await TlsClientUpgrade.AuthenticateAsync(stream, options.ServerName ?? target.ComputerName, options.Tls, options.Timeout, where, options.Log, cancellationToken).ConfigureAwait(false);
                stream = ssl;
                tlsProtocol = ssl.SslProtocol.ToString();
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException)
            {
                return Outcome.Failed<EchoTestResult>(Failures.Tls(where, ex));
            }
        }
        await using (stream.ConfigureAwait(false))
        {
            var message = Encoding.UTF8.GetBytes(options.Message);
            options.Log?.Invoke($"{where}: connected in {connecting.Elapsed.TotalMilliseconds:0.###} ms; sending {options.Count} probe(s) of {message.Length} bytes.");
            var buffer = new byte[64 * 1024];
            var reply = new MemoryStream();
            var times = new List<double>(options.Count);
            var matched = 0;
            string? last = null;
            for (var i = 0; i < options.Count; i++)
            {
                var watch = Stopwatch.StartNew();
                int length;
                EchoStreamMatcher matcher;
                try
                {
                    matcher = new EchoStreamMatcher(message);
                    reply.SetLength(0);
                    // The echo is read while the message is still being sent: a server echoes as it reads, and a large
                    // message whose echo nobody reads would fill both windows and stall. A peer that stops reading
                    // fills its window too, so even the send needs a deadline.
                    var sending = Deadline.RunAsync(ct => stream.WriteAsync(message, ct).AsTask(), options.Timeout, where, cancellationToken);
                    try
                    {
                        length = await ReadReplyAsync(stream, buffer, matcher, reply, MaxReplyBytes(message), options.Timeout, cancellationToken).ConfigureAwait(false);
                    }
                    catch
                    {
                        // The read's failure is the one reported; the send fails with the connection and is only observed.
                        _ = sending.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                        throw;
                    }
                    await sending.ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is SocketException or TimeoutException or IOException)
                {
                    // A TLS 1.3 server that wants a client certificate refuses on the first read: that is the target's
                    // failure, not probes lost on the way.
                    if (options.UseTls && Failures.From(where, ex) is { ErrorId: ErrorIds.ClientCertificateRequired } refused)
                    {
                        return Outcome.Failed<EchoTestResult>(refused);
                    }
                    // A reset or a silent server: the remaining probes are lost; the row says how many.
                    var why = ex switch
                    {
                        TimeoutException => $"no echo within {options.Timeout.TotalSeconds:0.###} s",
                        SocketException se => $"the connection broke ({se.SocketErrorCode})",
                        IOException { InnerException: SocketException se } => $"the connection broke ({se.SocketErrorCode})",
                        _ => $"the connection broke ({FailureText.Of(ex)})",
                    };
                    options.Log?.Invoke($"{where}: probe {i + 1}: {why}; {options.Count - i} probe(s) count as lost.");
                    break;
                }
                if (length == 0)
                {
                    options.Log?.Invoke($"{where}: probe {i + 1}: the server closed the connection; {options.Count - i} probe(s) count as lost.");
                    break;
                }
                times.Add(watch.Elapsed.TotalMilliseconds);
                if (matcher.Complete) matched++;
                last = Encoding.UTF8.GetString(reply.GetBuffer(), 0, (int)reply.Length);
            }
            // Probes never sent after a reset or a silent server count as lost.
            options.Log?.Invoke($"{where}: {times.Count} of {options.Count} echoed, {matched} matched.");
            return Outcome.Success(EchoTestResult.From(target, options.Port, options.UseTls ? "Tls" : "Tcp", options.Count, times, matched, last, tlsProtocol));
        }
    }

    /// <summary>
    /// The most bytes read for one probe: room for a prefix before every piece of the message (a server that answers
    /// each read behind a prefix), with the pieces no smaller than the prefix.
    /// </summary>
    internal static int MaxReplyBytes(byte[] message) => (int)Math.Min(int.MaxValue, 4L * message.Length + 64 * 1024);

    // TCP has no message boundaries: read until the bytes are a whole echo (see EchoStreamMatcher), the reply reaches
    // its limit, or the peer goes quiet; 0 means the peer closed without answering.
    private static async Task<int> ReadReplyAsync(Stream stream, byte[] buffer, EchoStreamMatcher matcher, MemoryStream reply, int limit, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var length = 0;
        try
        {
            await Deadline.RunAsync(async ct =>
            {
                while (length < limit)
                {
                    var read = await stream.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, limit - length)), ct).ConfigureAwait(false);
                    if (read == 0) return;
                    length += read;
                    reply.Write(buffer, 0, read);
                    matcher.Feed(buffer.AsSpan(0, read));
                    if (matcher.Complete) return;
                }
            }, timeout, "echo", cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (length > 0)
        {
            // Something came back but never the whole echo: count it as a reply that did not match.
        }
        return length;
    }
}
