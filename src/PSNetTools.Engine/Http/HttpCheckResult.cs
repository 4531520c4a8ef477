namespace PSNetTools.Http;

/// <summary>One request of Test-HttpEndpoint, timed phase by phase like curl -w or httpstat.</summary>
public sealed record HttpCheckResult
{
    public required string Uri { get; init; }

    public string Method { get; init; } = "GET";

    /// <summary>0 when no response came.</summary>
    public int StatusCode { get; init; }

    /// <summary>The response met the expected status and content (and there was one).</summary>
    public bool Success { get; init; }

    public string FinalUri { get; init; } = "";

    public int RedirectCount { get; init; }

    public string HttpVersion { get; init; } = "";

    /// <summary>The Content-Length header, else the bytes read; -1 when unknown.</summary>
    public long ContentLength { get; init; } = -1;

    /// <summary>The body went on beyond the size cap and was not read further (TotalMs and the content check cover the part read).</summary>
    public bool Truncated { get; init; }

    public string Server { get; init; } = "";

    /// <summary>Name resolution, summed over the connections opened (0 for an address literal).</summary>
    public double DnsMs { get; init; }

    /// <summary>TCP connect, summed over the connections opened.</summary>
    public double ConnectMs { get; init; }

    /// <summary>TLS handshake, summed over the connections opened.</summary>
    public double TlsMs { get; init; }

    /// <summary>From the start to the final response's headers.</summary>
    public double FirstByteMs { get; init; }

    /// <summary>From the start to the end of the final response's body (redirects included).</summary>
    public double TotalMs { get; init; }

    public string TlsProtocol { get; init; } = "";

    public DateTime? CertificateNotAfter { get; init; }

    /// <summary>Why the check failed: the network error, or the expectation not met; empty on success.</summary>
    public string Error { get; init; } = "";

    public int Attempts { get; init; } = 1;
}
