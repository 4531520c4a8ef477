using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using PSNetTools.Net;

namespace PSNetTools.Ping;

/// <summary>
/// Test-Ping: every host is pinged side by side (fping style), each on its own schedule of one request per Interval,
/// so 254 hosts × 4 requests take about 4 intervals, not 254 × 4. Requests are not held back waiting for replies.
/// </summary>
public sealed class Pinger : IDisposable
{
    private readonly PingOptions _options;
    private readonly object _gate = new();
    private readonly Dictionary<AddressFamily, IEchoTransport> _transports = [];
    private bool _warned;
    private Exception? _failure;

    public Pinger(PingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>How requests are sent: "raw ICMP socket", "ICMP ping socket" or "system ping" (set once the first host is pinged).</summary>
    public string Method { get; private set; } = "";

    /// <summary>Pings every target; a summary streams out as each host finishes. <paramref name="onReply"/> sees every request's outcome.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="PSNetTools.Net.TargetFailureException">PingPayloadUnsupported: a payload size other than the default without ICMP sockets.</exception>
    /// <remarks>A target that fails (refused, unresolvable, timed out, TLS) is an <see cref="PSNetTools.Net.Outcome"/> failure in its place, not an exception.</remarks>
    public IAsyncEnumerable<Outcome<PingSummary>> RunAsync(IEnumerable<string> computerNames, Action<PingReply>? onReply = null, CancellationToken cancellationToken = default) =>
        FanOut.RunAsync(computerNames, _options.ThrottleLimit, (t, ct) => PingHostAsync(t, onReply, ct), cancellationToken);

    private async Task<Outcome<PingSummary>> PingHostAsync(ResolvedTarget target, Action<PingReply>? onReply, CancellationToken cancellationToken)
    {
        var transport = TransportFor(target.Address.AddressFamily);
        var replies = new List<PingReply>();
        var inFlight = new List<Task>();
        var start = DateTime.UtcNow;
        for (var sequence = 1; _options.Continuous || sequence <= _options.Count; sequence++)
        {
            if (sequence > 1)
            {
                var due = start + (_options.Interval * (sequence - 1));
                var wait = due - DateTime.UtcNow;
                try
                {
                    if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_options.Continuous)
                {
                    break; // Ctrl+C ends a continuous ping; the replies already seen were streamed.
                }
            }
            var seq = sequence;
            // A request that could not be sent at all (not a lost one) ends the run with its reason.
            if (Volatile.Read(ref _failure) is { } failure) throw failure;
            var request = SendOneAsync(transport, target, seq, cancellationToken).ContinueWith(t =>
            {
                if (t.IsFaulted) Interlocked.CompareExchange(ref _failure, t.Exception!.InnerException ?? t.Exception, null);
                if (t.IsCompletedSuccessfully)
                {
                    if (!_options.Continuous)
                    {
                        lock (replies) replies.Add(t.Result);
                    }
                    onReply?.Invoke(t.Result);
                }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            if (!_options.Continuous) inFlight.Add(request);
        }
        await Task.WhenAll(inFlight).ConfigureAwait(false);
        if (Volatile.Read(ref _failure) is { } sendFailure) throw sendFailure;
        cancellationToken.ThrowIfCancellationRequested();
        List<PingReply> ordered;
        lock (replies) ordered = [.. replies.OrderBy(r => r.Sequence)];
        return Outcome.Success(PingSummary.From(target.ComputerName, target.Address.ToString(), ordered));
    }

    private async Task<PingReply> SendOneAsync(IEchoTransport transport, ResolvedTarget target, int sequence, CancellationToken cancellationToken)
    {
        var (status, rtt, ttl, from) = await transport.PingAsync(target.Address, _options.Timeout, cancellationToken).ConfigureAwait(false);
        return new PingReply
        {
            ComputerName = target.ComputerName,
            Address = target.Address.ToString(),
            Sequence = sequence,
            Status = status.ToString(),
            RoundTripMs = RoundTripStats.Round(rtt),
            Ttl = ttl,
            BufferSize = _options.BufferSize,
            ReplyFrom = from?.ToString() ?? "",
        };
    }

    private IEchoTransport TransportFor(AddressFamily family)
    {
        lock (_gate)
        {
            if (_transports.TryGetValue(family, out var existing)) return existing;
            IEchoTransport? transport = null;
            // Windows allows raw ICMP only to administrators and its IcmpSendEcho API is the supported way there.
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                var raw = RawIcmpTransport.TryOpen(family, _options.BufferSize, _options.Ttl);
                if (raw is not null)
                {
                    Method = raw.Method;
                    transport = raw;
                }
                else if (!_warned)
                {
                    _warned = true;
                    _options.Warn?.Invoke(
                        "This process may not open ICMP sockets (it is not root, lacks CAP_NET_RAW, and its group is outside net.ipv4.ping_group_range), " +
                        "so each request runs the system's ping program: slower, and round trips are coarser. To ping at full speed, run as root, " +
                        "grant CAP_NET_RAW to the pwsh binary, or allow your group: sudo sysctl -w net.ipv4.ping_group_range='0 2147483647'.");
                }
            }
            if (transport is null)
            {
                transport = new SystemPingTransport(_options.BufferSize, _options.Ttl);
                Method = "system ping";
            }
            _transports[family] = transport;
            return transport;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var t in _transports.Values) t.Dispose();
            _transports.Clear();
        }
    }
}
