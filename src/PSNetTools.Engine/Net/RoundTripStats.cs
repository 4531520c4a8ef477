namespace PSNetTools.Net;

/// <summary>Min/avg/max/standard deviation of round-trip times, as ping and fping summarise them (population deviation).</summary>
public readonly record struct RoundTripStats(int Count, double MinMs, double AvgMs, double MaxMs, double StdDevMs)
{
    public static RoundTripStats From(IReadOnlyCollection<double> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0) return default;
        var avg = samples.Average();
        var variance = samples.Sum(s => (s - avg) * (s - avg)) / samples.Count;
        return new RoundTripStats(samples.Count, Round(samples.Min()), Round(avg), Round(samples.Max()), Round(Math.Sqrt(variance)));
    }

    /// <summary>Three decimals: sub-millisecond loopback times matter, more digits are noise.</summary>
    public static double Round(double ms) => Math.Round(ms, 3, MidpointRounding.AwayFromZero);
}
