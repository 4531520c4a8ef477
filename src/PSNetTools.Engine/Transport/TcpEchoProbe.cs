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
    /// <remarks>Connect, TLS and echo failures are the outcome's failure.</remarks>
    public static async Task<Outcome<EchoTestResult>> ProbeAsync(ResolvedTarget target, EchoProbeOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
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
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            stream = ssl;
            try
            {
                var authentication = new SslClientAuthenticationOptions { TargetHost = options.ServerName ?? target.ComputerName };
                options.Tls.ApplyTo(authentication);
                await Deadline.RunAsync(ct => ssl.AuthenticateAsClientAsync(authentication, ct), options.Timeout, "TLS handshake", cancellationToken).ConfigureAwait(false);
                tlsProtocol = ssl.SslProtocol.ToString();
                options.Log?.Invoke($"{where}: TLS {tlsProtocol}, {ssl.NegotiatedCipherSuite}, SNI {authentication.TargetHost}.");
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException or TimeoutException)
            {
                await ssl.DisposeAsync().ConfigureAwait(false);
                // A plain-text echo port answers no ClientHello: say it is the handshake that got no answer.
                var cause = ex is TimeoutException t ? new TlsHandshakeTimeoutException($"no TLS answer within {options.Timeout.TotalSeconds:0.###} s", t) : ex;
                return Outcome.Failed<EchoTestResult>(Failures.Tls(where, cause));
            }
        }
        await using (stream.ConfigureAwait(false))
        {
            var message = Encoding.UTF8.GetBytes(options.Message);
            options.Log?.Invoke($"{where}: connected in {connecting.Elapsed.TotalMilliseconds:0.###} ms; sending {options.Count} probe(s) of {message.Length} bytes.");
            var buffer = new byte[Math.Max(4096, message.Length * 2 + 1024)];
            var times = new List<double>(options.Count);
            var matched = 0;
            string? last = null;
            for (var i = 0; i < options.Count; i++)
            {
                var watch = Stopwatch.StartNew();
                int length;
                try
                {
                    // A peer that stops reading fills its window: even the send needs a deadline.
                    await Deadline.RunAsync(ct => stream.WriteAsync(message, ct).AsTask(), options.Timeout, where, cancellationToken).ConfigureAwait(false);
                    length = await ReadReplyAsync(stream, buffer, message, options.Timeout, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is SocketException or TimeoutException or IOException)
                {
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
                if (EchoMatching.Matches(buffer.AsSpan(0, length), message)) matched++;
                last = Encoding.UTF8.GetString(buffer, 0, length);
            }
            // Probes never sent after a reset or a silent server count as lost.
            options.Log?.Invoke($"{where}: {times.Count} of {options.Count} echoed, {matched} matched.");
            return Outcome.Success(EchoTestResult.From(target, options.Port, "Tcp", options.Count, times, matched, last, tlsProtocol));
        }
    }

    // TCP has no message boundaries: read until the reply ends with the message (the echo is complete), the buffer
    // is full, or the peer goes quiet; 0 means the peer closed without answering.
    private static async Task<int> ReadReplyAsync(Stream stream, byte[] buffer, byte[] message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var length = 0;
        try
        {
            await Deadline.RunAsync(async ct =>
            {
                while (length < buffer.Length)
                {
                    var read = await stream.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false);
                    if (read == 0) return;
                    length += read;
                    if (length >= message.Length && EchoMatching.Matches(buffer.AsSpan(0, length), message)) return;
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
