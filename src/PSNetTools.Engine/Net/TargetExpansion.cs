using System.Globalization;
using System.Net.Sockets;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace PSNetTools.Net;

/// <summary>
/// Turns target specs (names, addresses, blocks, ranges) into addresses, lazily and in order: a bad entry becomes a failure
/// for that entry alone, a name resolves to its first address (IPv4 preferred, as ping does), and a block or range is
/// enumerated one address at a time so a /16 never exists as a list.
/// </summary>
public static class TargetExpansion
{
    /// <summary>
    /// Above this many probes (addresses × ports) a fan-out run must be asked for explicitly: 65,536 is every port of
    /// one host, and a /8 typed by mistake would otherwise send sixteen million.
    /// </summary>
    public const long DefaultMaxProbes = 65_536;

    /// <summary>
    /// The guard every fan-out command runs before it sends anything: null when <paramref name="inputs"/> ×
    /// <paramref name="probesPerAddress"/> stays within <paramref name="maxProbes"/>, else the ScanTooLarge failure.
    /// Counting needs no DNS (a name counts as one address) and expands nothing.
    /// </summary>
    public static TargetFailure? CheckSize(IReadOnlyCollection<string> inputs, int probesPerAddress, long maxProbes = DefaultMaxProbes)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var addresses = CountAddresses(inputs);
        var total = addresses * Math.Max(1, probesPerAddress);
        if (total <= maxProbes) return null;
        var per = probesPerAddress > 1 ? string.Create(CultureInfo.InvariantCulture, $" ({addresses:N0} addresses × {probesPerAddress:N0} ports)") : "";
        return new TargetFailure(string.Join(",", inputs), "ScanTooLarge", FailureKind.LimitExceeded, string.Create(CultureInfo.InvariantCulture,
            $"This run is {total:N0} probes{per}, more than the limit of {maxProbes:N0} probes a run may send without being asked to."));
    }

    /// <summary>
    /// The same guard over a whole pipeline's requests, each with its own number of probes per address (its ports):
    /// the sum decides, and the message shows addresses × ports when every request has the same ports.
    /// </summary>
    public static TargetFailure? CheckSize<TOptions>(IReadOnlyCollection<FanOutRequest<TOptions>> requests, long maxProbes = DefaultMaxProbes)
    {
        ArgumentNullException.ThrowIfNull(requests);
        BigInteger addresses = 0;
        BigInteger total = 0;
        foreach (var request in requests)
        {
            var count = CountAddresses(request.ComputerNames);
            addresses += count;
            total += count * Math.Max(1, request.PerTarget.Count);
        }
        if (total <= maxProbes) return null;
        var perAddress = requests.Select(r => Math.Max(1, r.PerTarget.Count)).Distinct().ToList();
        var per = perAddress is [> 1] ? string.Create(CultureInfo.InvariantCulture, $" ({addresses:N0} addresses × {perAddress[0]:N0} ports)") : "";
        return new TargetFailure(string.Join(",", requests.SelectMany(r => r.ComputerNames)), "ScanTooLarge", FailureKind.LimitExceeded, string.Create(CultureInfo.InvariantCulture,
            $"This run is {total:N0} probes{per}, more than the limit of {maxProbes:N0} probes a run may send without being asked to."));
    }

    /// <summary>How many addresses the inputs stand for (names count as one), without expanding anything.</summary>
    public static BigInteger CountAddresses(IEnumerable<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        BigInteger total = 0;
        foreach (var input in inputs)
        {
            if (TargetSpec.TryParse(input, out var spec, out _)) total += spec!.Count;
        }
        return total;
    }

    public static IAsyncEnumerable<Outcome<ResolvedTarget>> ExpandAsync(IEnumerable<string> inputs, CancellationToken cancellationToken = default) =>
        ExpandAsync(inputs, null, cancellationToken);

    /// <summary>As <see cref="ExpandAsync(IEnumerable{string}, CancellationToken)"/>; <paramref name="log"/> hears the address each name resolved to.</summary>
    public static async IAsyncEnumerable<Outcome<ResolvedTarget>> ExpandAsync(
        IEnumerable<string> inputs, Action<string>? log, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (var input in inputs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!TargetSpec.TryParse(input, out var spec, out var error))
            {
                yield return Outcome.Failed<ResolvedTarget>(new TargetFailure(input, "InvalidTarget", FailureKind.InvalidTarget, error!));
                continue;
            }
            if (spec!.Kind != TargetKind.HostName)
            {
                foreach (var address in spec.Addresses())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return Outcome.Success(new ResolvedTarget(spec.Kind == TargetKind.Address ? spec.Text : address.ToString(), address));
                }
                continue;
            }
            var resolved = await ResolveAsync(spec, cancellationToken).ConfigureAwait(false);
            if (resolved.Failure is null) log?.Invoke($"{spec.Text} resolved to {resolved.Value.Address}.");
            yield return resolved;
        }
    }

    /// <summary>Resolves one name; the failure says the name could not be resolved rather than surfacing a socket error.</summary>
    public static async Task<Outcome<ResolvedTarget>> ResolveAsync(TargetSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        try
        {
            var addresses = await spec.ResolveAsync(cancellationToken).ConfigureAwait(false);
            if (addresses.Length == 0)
            {
                return Outcome.Failed<ResolvedTarget>(new TargetFailure(spec.Text, "HostNotResolved", FailureKind.ResolutionFailed,
                    $"{spec.Text}: the name has no addresses; check the spelling or the DNS configuration."));
            }
            return Outcome.Success(new ResolvedTarget(spec.Text, addresses[0]));
        }
        catch (SocketException ex)
        {
            return Outcome.Failed<ResolvedTarget>(new TargetFailure(spec.Text, "HostNotResolved", FailureKind.ResolutionFailed,
                $"{spec.Text}: the name could not be resolved ({ex.SocketErrorCode}); check the spelling or the DNS configuration.", ex));
        }
    }
}
