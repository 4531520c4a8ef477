using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using PSNetTools.Net;
using PSNetTools.Servers;

namespace PSNetTools.Scanning;

/// <summary>
/// Asynchronous TCP connect scan. Host × port pairs are produced lazily into a bounded queue that the connect slots
/// (see <see cref="ConnectSlots"/>) drain, ThrottleLimit connects in flight between them. Rows stream out in input
/// order (host order, then port order), each as soon as every probe before it is done (see <see cref="ScanOrder"/>).
/// What the scan holds is bounded by <see cref="RowCredits"/>: a consumer that stops reading stops the scan after at
/// most <see cref="PortScanOptions.RowCapacity"/> probes, so memory stays flat under a slow pipeline.
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
        // Unbounded as a channel, bounded by the credits: the rows are written from the connect callbacks, which must
        // never wait, so the waiting happens in the producer before a probe is queued.
        var results = Channel.CreateUnbounded<Outcome<PortScanResult>>(new UnboundedChannelOptions { SingleReader = true });
        var credits = new RowCredits(Math.Max(options.RowCapacity, 2 * options.ThrottleLimit));
        var order = new ScanOrder(results.Writer);
        // Each slot holds a socket: more slots than the open-file limit leaves would starve the runtime of the
        // descriptors it starts threads with, and it aborts the process. A budget spent by servers still leaves one.
        var held = DescriptorBudget.TakeUpTo(options.ThrottleLimit, out var fileLimit);
        var connectsAtOnce = Math.Max(1, held);
        try
        {
            if (connectsAtOnce < options.ThrottleLimit)
            {
                options.Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"{options.ThrottleLimit:N0} connects at once would take more sockets than the open-file limit ({fileLimit:N0}, ulimit -n) leaves this scan: {connectsAtOnce:N0} at once."));
            }
            options.Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"Scanning {options.Ports.Count:N0} port(s) per host, up to {connectsAtOnce:N0} connects at once, {options.Timeout.TotalSeconds:0.###} s before a port counts as filtered."));
        }
        catch
        {
            DescriptorBudget.Release(held);
            throw;
        }

        var log = new ScanLog(options.Log, credits);
        var producer = ProduceAsync(computerNames, options, work.Writer, order, credits, counters, stop.Token);
        var limitLogged = 0;
        var slots = new ConnectSlots(work.Reader, connectsAtOnce, options.Timeout,
            (probe, state, latency) => Report(probe, state, latency, options, counters, order, credits, log),
            error =>
            {
                if (Interlocked.Exchange(ref limitLogged, 1) == 0)
                {
                    log.Write($"Connects are failing with {error}: this machine ran out of local ports or descriptors. " +
                        "The scan pauses and retries those probes; fewer connects at once would avoid it.", holdsCredit: false);
                }
            }, stop.Token);
        var connecting = slots.RunAsync();
        // Slots that failed return no more credits: stop the producer too, or it would wait for them forever.
        _ = connecting.ContinueWith(static (_, s) => CancelQuietly((CancellationTokenSource)s!), stop,
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        Task[] workers = [connecting];
        // The rows end after the last verbose line is written, so the caller sees the tallies before the scan ends.
        var finished = FinishAsync(Task.WhenAll(workers.Append(producer)), log, results.Writer);
        try
        {
            await foreach (var outcome in results.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                credits.Return();
                yield return outcome;
            }
        }
        finally
        {
            // Leaving early (cancelled, or a consumer that has enough): stop every worker and wait until their sockets are closed.
            try
            {
                await stop.CancelAsync().ConfigureAwait(false);
                try
                {
                    await Task.WhenAll(workers.Append(producer)).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
                await finished.ConfigureAwait(false);
            }
            finally
            {
                DescriptorBudget.Release(held);
            }
        }
    }

    private static async Task FinishAsync(Task running, ScanLog log, ChannelWriter<Outcome<PortScanResult>> results)
    {
        Exception? failure = null;
        try
        {
            await running.ConfigureAwait(false);
        }
        catch (Exception)
        {
            failure = running.Exception?.InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException);
        }
        try
        {
            await log.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure ??= ex;
        }
        results.TryComplete(failure);
    }

    private static async Task ProduceAsync(IEnumerable<string> computerNames, PortScanOptions options,
        ChannelWriter<ScanProbe> work, ScanOrder order, RowCredits credits, ScanCounters counters, CancellationToken cancellationToken)
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
                    await credits.TakeAsync(cancellationToken).ConfigureAwait(false);
                    await order.WaitForRoomAsync(sequence, cancellationToken).ConfigureAwait(false);
                    order.Done(sequence++, Outcome.Failed<PortScanResult>(failure));
                    continue;
                }
                counters.Host();
                var host = new ScanHost(target.Value, ports.Count, options.Log is not null);
                foreach (var port in ports)
                {
                    await credits.TakeAsync(cancellationToken).ConfigureAwait(false);
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

    private static void CancelQuietly(CancellationTokenSource stop)
    {
        try
        {
            stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The scan has already ended.
        }
    }

    private static void Report(ScanProbe probe, PortState state, double latency, PortScanOptions options, ScanCounters counters, ScanOrder order,
        RowCredits credits, ScanLog log)
    {
        counters.Probe(state == PortState.Open);
        var target = probe.Host.Target;
        if (state == PortState.Open && log.Enabled) log.Write(string.Create(CultureInfo.InvariantCulture, $"{target.Describe(probe.Port)}: open ({latency:0.###} ms)."), holdsCredit: false);
        var tally = probe.Host.Count(state);
        if (state != PortState.Open && !options.IncludeClosed)
        {
            order.Done(probe.Sequence, null);
            // Nothing to report: the credit comes back now, or once the host's tally line is written.
            if (tally is not null) log.Write(tally, holdsCredit: true);
            else credits.Return();
            return;
        }
        if (tally is not null) log.Write(tally, holdsCredit: false);
        order.Done(probe.Sequence, Outcome.Success(new PortScanResult
        {
            ComputerName = target.ComputerName,
            Address = target.Address.ToString(),
            Port = probe.Port,
            State = state.ToString(),
            Service = ServiceNames.Lookup(probe.Port),
            LatencyMs = RoundTripStats.Round(latency),
        }));
    }
}
