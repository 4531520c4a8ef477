using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using PSNetTools.Engine.Net;

namespace PSNetTools.Engine.Scanning;

/// <summary>
/// Asynchronous TCP connect scan. Host × port pairs are produced lazily into a bounded queue that the connect slots
/// (see <see cref="ConnectSlots"/>) drain, ThrottleLimit connects in flight between them; rows stream out as found.
/// </summary>
public static class PortScanner
{
    public static async IAsyncEnumerable<Outcome<PortScanResult>> ScanAsync(
        IEnumerable<string> computerNames, PortScanOptions options, ScanCounters? counters = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        counters ??= new ScanCounters();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var work = Channel.CreateBounded<(ResolvedTarget Target, int Port)>(new BoundedChannelOptions(4096) { SingleWriter = true });
        var results = Channel.CreateUnbounded<Outcome<PortScanResult>>(new UnboundedChannelOptions { SingleReader = true });

        var producer = ProduceAsync(computerNames, options.Ports, work.Writer, results.Writer, counters, stop.Token);
        var slots = new ConnectSlots(work.Reader, options.ThrottleLimit, options.Timeout,
            (target, port, state, latency) => Report(target, port, state, latency, options, counters, results.Writer), stop.Token);
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
            // Leaving early (Ctrl+C, Select-Object -First): stop every worker and wait until their sockets are closed.
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

    private static async Task ProduceAsync(IEnumerable<string> computerNames, IReadOnlyList<int> ports,
        ChannelWriter<(ResolvedTarget, int)> work, ChannelWriter<Outcome<PortScanResult>> results, ScanCounters counters, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var target in TargetExpansion.ExpandAsync(computerNames, cancellationToken).ConfigureAwait(false))
            {
                if (target.Failure is { } failure)
                {
                    results.TryWrite(Outcome.Failed<PortScanResult>(failure));
                    continue;
                }
                counters.Host();
                foreach (var port in ports) await work.WriteAsync((target.Value, port), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            work.TryComplete();
        }
    }

    private static void Report(ResolvedTarget target, int port, PortState state, double latency, PortScanOptions options, ScanCounters counters,
        ChannelWriter<Outcome<PortScanResult>> results)
    {
        counters.Probe(state == PortState.Open);
        if (state != PortState.Open && !options.IncludeClosed) return;
        results.TryWrite(Outcome.Success(new PortScanResult
        {
            ComputerName = target.ComputerName,
            Address = target.Address.ToString(),
            Port = port,
            State = state,
            Service = ServiceNames.Lookup(port),
            LatencyMs = RoundTripStats.Round(latency),
        }));
    }
}
