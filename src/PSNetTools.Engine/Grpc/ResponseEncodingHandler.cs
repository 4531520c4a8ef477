namespace PSNetTools.Grpc;

/// <summary>
/// Grpc.Net.Client keeps the grpc-encoding response header to itself (it is not in the call's response headers), so
/// whether a reply came compressed is read here, on the HTTP response, into the <see cref="Probe"/> of the call that
/// sent the request: the call starts its HTTP request in the async context where the probe was set.
/// </summary>
internal sealed class ResponseEncodingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private static readonly AsyncLocal<EncodingProbe?> Current = new();

    /// <summary>Set before starting a call; what the call's response says lands in it.</summary>
    public static EncodingProbe Probe()
    {
        var probe = new EncodingProbe();
        Current.Value = probe;
        return probe;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var probe = Current.Value;
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (probe is not null && response.Headers.TryGetValues("grpc-encoding", out var values)) probe.Encoding = string.Join(",", values);
        return response;
    }
}

internal sealed class EncodingProbe
{
    private volatile string _encoding = "";

    public string Encoding
    {
        get => _encoding;
        set => _encoding = value;
    }
}
