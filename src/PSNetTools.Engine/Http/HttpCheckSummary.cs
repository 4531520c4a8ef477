namespace PSNetTools.Http;

/// <summary>The latency distribution of N requests to one URI.</summary>
public sealed record HttpCheckSummary
{
    public required string Uri { get; init; }

    public int Count { get; init; }

    public int SuccessCount { get; init; }

    public int ErrorCount { get; init; }

    public double MinMs { get; init; }

    public double AvgMs { get; init; }

    public double P50Ms { get; init; }

    public double P95Ms { get; init; }

    public double P99Ms { get; init; }

    public double MaxMs { get; init; }

    /// <summary>e.g. "200=48; 503=2; none=1".</summary>
    public string StatusCodes { get; init; } = "";

    public static HttpCheckSummary From(string uri, IReadOnlyList<HttpCheckResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var times = results.Select(r => r.TotalMs).Order().ToArray();
        double Percentile(double p) => times.Length == 0 ? 0 : Net.RoundTripStats.Round(times[Math.Clamp((int)Math.Ceiling(p / 100 * times.Length) - 1, 0, times.Length - 1)]);
        return new HttpCheckSummary
        {
            Uri = uri,
            Count = results.Count,
            SuccessCount = results.Count(r => r.Success),
            ErrorCount = results.Count(r => !r.Success),
            MinMs = times.Length == 0 ? 0 : times[0],
            AvgMs = times.Length == 0 ? 0 : Net.RoundTripStats.Round(times.Average()),
            P50Ms = Percentile(50),
            P95Ms = Percentile(95),
            P99Ms = Percentile(99),
            MaxMs = times.Length == 0 ? 0 : times[^1],
            StatusCodes = string.Join("; ", results.GroupBy(r => r.StatusCode).OrderBy(g => g.Key)
                .Select(g => $"{(g.Key == 0 ? "none" : g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))}={g.Count()}")),
        };
    }
}
