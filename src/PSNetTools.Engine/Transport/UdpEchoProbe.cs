using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PSNetTools.Net;

namespace PSNetTools.Transport;

/// <summary>Test-UdpEcho: sends the message Count times as datagrams from one socket and times each echo.</summary>
public static class UdpEchoProbe
{
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>A target that fails (refused, unresolvable, timed out, TLS) is an <see cref="PSNetTools.Net.Outcome"/> failure in its place, not an exception.</remarks>
    public static IAsyncEnumerable<Outcome<EchoTestResult>> RunAsync(IEnumerable<string> computerNames, EchoProbeOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return FanOut.RunAsync(computerNames, options.ThrottleLimit, (t, ct) => ProbeAsync(t, options, ct), cancellationToken);
    }

    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>Send and echo failures are the outcome's failure.</remarks>
    public static async Task<Outcome<EchoTestResult>> ProbeAsync(ResolvedTarget target, EchoProbeOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var where = target.Describe(options.Port);
        using var socket = new Socket(target.Address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        // Connected: the kernel drops datagrams from anyone else and reports ICMP port-unreachable as a refusal.
        await socket.ConnectAsync(new IPEndPoint(target.Address, options.Port), cancellationToken).ConfigureAwait(false);
        var message = Encoding.UTF8.GetBytes(options.Message);
        options.Log?.Invoke($"{where}: sending {options.Count} datagram(s) of {message.Length} bytes to {target.Address}, {options.Timeout.TotalSeconds:0.###} s for each echo.");
        var buffer = new byte[65536];
        var times = new List<double>(options.Count);
        var matched = 0;
        var refused = 0;
        string? last = null;
        for (var i = 0; i < options.Count; i++)
        {
            var watch = Stopwatch.StartNew();
            try
            {
                await socket.SendAsync(message, cancellationToken).ConfigureAwait(false);
                var length = await Deadline.RunAsync(ct => socket.ReceiveAsync(buffer, ct).AsTask(), options.Timeout, where, cancellationToken).ConfigureAwait(false);
                times.Add(watch.Elapsed.TotalMilliseconds);
                if (EchoMatching.Matches(buffer.AsSpan(0, length), message)) matched++;
                last = Encoding.UTF8.GetString(buffer, 0, length);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset)
            {
                refused++;
            }
            catch (TimeoutException)
            {
                // Lost: UDP promises nothing; the row counts it.
            }
        }
        if (options.Log is { } log)
        {
            var unanswered = options.Count - times.Count - refused;
            log($"{where}: {times.Count} of {options.Count} echoed, {matched} matched" +
                (unanswered > 0 ? $", {unanswered} unanswered within {options.Timeout.TotalSeconds:0.###} s" : "") +
                (refused > 0 ? $", {refused} answered 'port unreachable'" : "") + ".");
        }
        if (refused == options.Count)
        {
            return Outcome.Failed<EchoTestResult>(new TargetFailure(where, "ConnectionRefused", FailureKind.ConnectionRefused,
                $"{where}: the host answered 'port unreachable'; nothing listens on that UDP port."));
        }
        return Outcome.Success(EchoTestResult.From(target, options.Port, "Udp", options.Count, times, matched, last));
    }
}
