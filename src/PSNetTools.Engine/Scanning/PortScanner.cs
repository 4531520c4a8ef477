using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using PSNetTools.Net;

namespace PSNetTools.Scanning;

/// <summary>
/// Asynchronous TCP connect scan. Host × port pairs are produced lazily into a bounded queue that the connect slots
/// (see <see cref="ConnectSlots"/>) drain, ThrottleLimit connects in flight between them. Rows stream out in input
/// order (host order, then port order), each as soon as every probe before it is done (see <see cref="ScanOrder"/>).
/// </summary>
public static class PortScanner
{
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>A target that fails (refused, unresolvable, timed out, TLS) is an <see cref="PSNetTools.Net.Outcome"/> failure in its place, not an exception.</remarks>
    public static async IAsyncEnumerable<Outcome<PortScanResult>> ScanAsync(
        IEnumerable<string> computerNames, PortScanOptions options, ScanCounters? counters = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        counters ??= new ScanCounters();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var work = Channel.CreateBounded<ScanProbe>(new BoundedChannelOptions(4096) { SingleWriter = true });
        var results = Channel.CreateUnbounded<Outcome<PortScanResult>>(new UnboundedChannelOptions { SingleReader = true });
        var order = new ScanOrder(results.Writer);
        options.Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"Scanning {options.Ports.Count:N0} port(s) per host, up to {options.ThrottleLimit:N0} connects at once, {options.Timeout.TotalSeconds:0.###} s before a port counts as filtered."));

        var producer = ProduceAsync(computerNames, options, work.Writer, order, counters, stop.Token);
        var limitLogged = 0;
        var slots = new ConnectSlots(work.Reader, options.ThrottleLimit, options.Timeout,
            (probe, state, latency) => Report(probe, state, latency, options, counters, order),
            error =>
            {
                if (Interlocked.Exchange(ref limitLogged, 1) == 0)
                {
                    options.Log?.Invoke($"Connects are failing with {error}: this machine ran out of local ports or descriptors. " +
                        "The scan pauses and retries those probes; fewer connects at once would avoid it.");
                }
            }, stop.Token);
        Task[] workers = [slots.RunAsync()];
        _ = Task.WhenAll(workers.Append(producer)).ContinueWith(
            t => results.Writer.TryComplete(t.Exception?.InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException)),
            CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        try
        {
            await foreach (var outcome in results.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false)) yield return outcome;
        }
        finally
        {
            // Leaving early (cancelled, or a consumer that has enough): stop every worker and wait until their sockets are closed.
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(workers.Append(producer)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static async Task ProduceAsync(IEnumerable<string> computerNames, PortScanOptions options,
        ChannelWriter<ScanProbe> work, ScanOrder order, ScanCounters counters, CancellationToken cancellationToken)
    {
        var ports = options.Ports;
        long sequence = 0;
        try
        {
            await foreach (var target in TargetExpansion.ExpandAsync(computerNames, options.Log, cancellationToken).ConfigureAwait(false))
            {
                if (target.Failure is { } failure)
                {
                    // A bad target takes its place in the order like a probe that is already done.
                    await order.WaitForRoomAsync(sequence, cancellationToken).ConfigureAwait(false);
                    order.Done(sequence++, Outcome.Failed<PortScanResult>(failure));
                    continue;
                }
                counters.Host();
                var host = new ScanHost(target.Value, ports.Count, options.Log);
                foreach (var port in ports)
                {
                    if (sequence - order.Next >= ScanOrder.Window) await order.WaitForRoomAsync(sequence, cancellationToken).ConfigureAwait(false);
                    var probe = new ScanProbe(host, port, sequence++);
                    if (!work.TryWrite(probe)) await work.WriteAsync(probe, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            work.TryComplete();
        }
    }

    private static void Report(ScanProbe probe, PortState state, double latency, PortScanOptions options, ScanCounters counters, ScanOrder order)
    {
        counters.Probe(state == PortState.Open);
        var target = probe.Host.Target;
        if (state == PortState.Open) options.Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{target.Describe(probe.Port)}: open ({latency:0.###} ms)."));
        probe.Host.Count(state);
        if (state != PortState.Open && !options.IncludeClosed)
        {
            order.Done(probe.Sequence, null);
            return;
        }
        order.Done(probe.Sequence, Outcome.Success(new PortScanResult
        {
            ComputerName = target.ComputerName,
            Address = target.Address.ToString(),
            Port = probe.Port,
            State = state,
            Service = ServiceNames.Lookup(probe.Port),
            LatencyMs = RoundTripStats.Round(latency),
        }));
    }
}
