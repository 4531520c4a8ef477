using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.RegularExpressions;
using PSNetTools.Net;
using PSNetTools.Resilience;

namespace PSNetTools.Http;

/// <summary>
/// Test-HttpEndpoint's request: a fresh connection each time (so DNS, connect and TLS are measured, as curl and
/// httpstat do), redirects followed by hand so they can be counted, the body read to its end (or the size cap).
/// Phase times come from the handler's own hooks: ConnectCallback (DNS and connect) and PlaintextStreamFilter, which
/// runs right after the TLS handshake.
/// </summary>
public static class HttpChecker
{
    /// <summary>Checks <paramref name="uri"/>, retrying connection failures, timeouts and 5xx/429 answers under <see cref="HttpCheckOptions.Retry"/>.</summary>
    /// <returns>The check; a failure is its <see cref="HttpCheckResult.Error"/>, not an exception.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<HttpCheckResult> CheckAsync(Uri uri, HttpCheckOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(options);
        var (result, _) = await options.Retry.ExecuteAsync(
            async (attempt, ct) =>
            {
                options.Log?.Invoke($"{options.Method.ToUpperInvariant()} {uri}" + (attempt > 1 ? $" (attempt {attempt} of {options.Retry.MaxRetries + 1})." : "."));
                var (once, verdict) = await OnceAsync(uri, options, ct).ConfigureAwait(false);
                if (once.Error.Length > 0) options.Log?.Invoke($"{uri}: {once.Error}");
                return (once with { Attempts = attempt }, verdict);
            },
            attempt => attempt.Item2,
            step => options.Log?.Invoke(step.BeyondLimit
                ? $"{uri}: the server asked to retry after {step.Delay.TotalSeconds:0.###} s, past the retry time limit of {options.Retry.MaxTotalTime.TotalSeconds:0.###} s; not retrying."
                : $"{uri}: attempt {step.Attempt} failed; retrying in {step.Delay.TotalSeconds:0.###} s{(step.ServerAsked ? " (the server's Retry-After)" : "")}."),
            cancellationToken).ConfigureAwait(false);
        return result;
    }

    // A 5xx/429 answer or a failed connection may go better next time; a 404, a TLS failure or a bad body will not.
    private static RetryVerdict Judge(HttpCheckResult result, HttpResponseMessage? response) =>
        result.Success || result.StatusCode == 0 || !TransientFailures.IsTransient((HttpStatusCode)result.StatusCode)
            ? RetryVerdict.Final
            : RetryVerdict.Again(response is null ? null : RetryAfter.From(response, DateTimeOffset.UtcNow));

    private static async Task<(HttpCheckResult Result, RetryVerdict Verdict)> OnceAsync(Uri uri, HttpCheckOptions options, CancellationToken cancellationToken)
    {
        var timing = new PhaseTiming();
        using var handler = CreateHandler(options, timing);
        using var client = new HttpClient(ClientCertificateCheckHandler.Over(handler, options.Tls), disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Timeout);
        var watch = Stopwatch.StartNew();
        var current = uri;
        var method = new HttpMethod(options.Method.ToUpperInvariant());
        var redirects = 0;
        // A failure without an answer is as transient as its kind (refused, reset, timeout), never judged by its text.
        (HttpCheckResult, RetryVerdict) Failed(TargetFailure failure) => (Result($"{failure.ErrorId}: {failure.Message.TrimStart(':', ' ')}"), new RetryVerdict(failure.IsTransient));
        HttpCheckResult Result(string error, int status = 0) => new()
        {
            Uri = uri.OriginalString,
            Method = method.Method,
            StatusCode = status,
            FinalUri = current.AbsoluteUri,
            RedirectCount = redirects,
            DnsMs = RoundTripStats.Round(timing.DnsMs),
            ConnectMs = RoundTripStats.Round(timing.ConnectMs),
            TlsMs = RoundTripStats.Round(timing.TlsMs),
            TotalMs = RoundTripStats.Round(watch.Elapsed.TotalMilliseconds),
            TlsProtocol = timing.TlsProtocol,
            CertificateNotAfter = timing.CertificateNotAfter,
            Error = error,
        };
        try
        {
            // Redirects by hand (HttpRedirects): counted, only to http(s), the caller's headers only while on the first origin.
            var policy = new RedirectPolicy { MaximumRedirections = options.MaximumRedirection };
            using var answer = await HttpRedirects.SendAsync(client, new RedirectHop(uri, method), policy, hop => Request(hop, options), deadline.Token).ConfigureAwait(false);
            var response = answer.Response;
            var status = (int)response.StatusCode;
            (current, method, redirects) = (answer.Hop.Uri, answer.Hop.Method, answer.Hop.Number);
            if (answer.Stopped is { } stop)
            {
                return (Result($"{stop.ErrorId}: {stop.Message}", status), RetryVerdict.Final);
            }
            var firstByte = watch.Elapsed.TotalMilliseconds;
            options.Log?.Invoke($"{current}: {status} {response.ReasonPhrase} over HTTP/{response.Version}, first byte after {firstByte:0.###} ms.");
            var (read, truncated, text) = await ReadBodyAsync(response, options, deadline.Token).ConfigureAwait(false);
            if (truncated) options.Log?.Invoke($"{current}: stopped reading the body at the content limit of {options.MaximumContentBytes:N0} bytes.");
            var total = watch.Elapsed.TotalMilliseconds;
            var expectation = Expectation(status, text, options);
            var checkResult = new HttpCheckResult
            {
                Uri = uri.OriginalString,
                Method = method.Method,
                StatusCode = status,
                Success = expectation.Length == 0,
                FinalUri = current.AbsoluteUri,
                RedirectCount = redirects,
                HttpVersion = response.Version.ToString(),
                ContentLength = response.Content.Headers.ContentLength ?? read,
                Truncated = truncated,
                Server = response.Headers.Server.ToString(),
                DnsMs = RoundTripStats.Round(timing.DnsMs),
                ConnectMs = RoundTripStats.Round(timing.ConnectMs),
                TlsMs = RoundTripStats.Round(timing.TlsMs),
                FirstByteMs = RoundTripStats.Round(firstByte),
                TotalMs = RoundTripStats.Round(total),
                TlsProtocol = timing.TlsProtocol,
                CertificateNotAfter = timing.CertificateNotAfter,
                Error = expectation,
            };
            return (checkResult, Judge(checkResult, response));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(new TargetFailure(uri.OriginalString, ErrorIds.Timeout, FailureKind.Timeout, $"no complete response within {options.Timeout.TotalSeconds:0.###} s."));
        }
        catch (HttpRequestException ex)
        {
            return Failed(Failures.From("", ex, options.Timeout));
        }
        catch (IOException ex)
        {
            // The body broke off (reset, or shorter than its Content-Length): this check's failure, not the pipeline's.
            return Failed(new TargetFailure(uri.OriginalString, ErrorIds.ConnectionReset, FailureKind.ConnectionReset, $"the answer broke off: {FailureText.Of(ex)}"));
        }
    }

    private static HttpRequestMessage Request(RedirectHop hop, HttpCheckOptions options)
    {
        if (hop.Number > 0) options.Log?.Invoke($"Redirect {hop.Number}: {hop.Method} {hop.Uri}.");
        // HTTP/2 when the server offers it over TLS (ALPN), else HTTP/1.1, as browsers and curl do.
        var request = new HttpRequestMessage(hop.Method, hop.Uri) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        request.Headers.UserAgent.ParseAdd(options.UserAgent);
        foreach (var (name, value) in HttpRedirects.HeadersFor(options.Headers, hop.Trusted))
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        // The body goes with every hop that keeps the method (307, 308); a hop turned into GET has none.
        if (options.Body is { } body && hop.Method != HttpMethod.Get && hop.Method != HttpMethod.Head)
        {
            var content = new StringContent(body, Encoding.UTF8);
            if (request.Content is { } headersOnly)
            {
                foreach (var h in headersOnly.Headers)
                {
                    // The user's Content-Type (or any content header) replaces StringContent's default: added to it,
                    // "text/plain; charset=utf-8, application/json" went out and no server parsed the body.
                    content.Headers.Remove(h.Key);
                    content.Headers.TryAddWithoutValidation(h.Key, h.Value);
                }
                headersOnly.Dispose();
            }
            request.Content = content;
        }
        return request;
    }

    private static string Expectation(int status, string? text, HttpCheckOptions options)
    {
        var statusOk = options.ExpectStatus.Count == 0 ? status is >= 200 and < 400 : options.ExpectStatus.Contains(status);
        if (!statusOk)
        {
            return options.ExpectStatus.Count == 0
                ? $"UnexpectedStatus: {status}"
                : $"UnexpectedStatus: {status}, expected {string.Join(" or ", options.ExpectStatus)}";
        }
        if (options.ExpectContent is { } pattern && !Regex.IsMatch(text ?? "", pattern, RegexOptions.None, TimeSpan.FromSeconds(2)))
        {
            return $"ContentMismatch: the body does not match '{pattern}'";
        }
        return "";
    }

    // The body is always read (TotalMs includes it) but only kept as text when the content check needs it.
    private static async Task<(long Read, bool Truncated, string? Text)> ReadBodyAsync(HttpResponseMessage response, HttpCheckOptions options, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var keep = options.ExpectContent is null ? null : new MemoryStream();
        var buffer = new byte[64 * 1024];
        long total = 0;
        while (total < options.MaximumContentBytes)
        {
            var n = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, options.MaximumContentBytes - total)), cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            total += n;
            keep?.Write(buffer, 0, n);
        }
        // One byte more tells a body cut at the cap from one that ends exactly there.
        var truncated = total >= options.MaximumContentBytes && await body.ReadAsync(buffer.AsMemory(0, 1), cancellationToken).ConfigureAwait(false) > 0;
        if (keep is null) return (total, truncated, null);
        var charset = response.Content.Headers.ContentType?.CharSet;
        Encoding encoding;
        try
        {
            encoding = charset is null ? Encoding.UTF8 : TextEncodings.Get(charset.Trim('"'));
        }
        catch (ArgumentException)
        {
            encoding = Encoding.UTF8;
        }
        return (total, truncated, encoding.GetString(keep.GetBuffer(), 0, (int)keep.Length));
    }

    private static SocketsHttpHandler CreateHandler(HttpCheckOptions options, PhaseTiming timing)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = options.Timeout,
            ConnectCallback = async (context, token) =>
            {
                var host = context.DnsEndPoint.Host;
                var started = Stopwatch.GetTimestamp();
                IPAddress[] addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
                    ? [literal]
                    : await Dns.GetHostAddressesAsync(host, token).ConfigureAwait(false);
                var resolved = Stopwatch.GetTimestamp();
                timing.DnsMs += Stopwatch.GetElapsedTime(started, resolved).TotalMilliseconds;
                if (literal is null) options.Log?.Invoke($"{host} resolved to {string.Join(", ", addresses.Select(a => a.ToString()))}.");
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, token).ConfigureAwait(false);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
                timing.ConnectedAt = Stopwatch.GetTimestamp();
                timing.ConnectMs += Stopwatch.GetElapsedTime(resolved, timing.ConnectedAt).TotalMilliseconds;
                options.Log?.Invoke($"Connected to {Plain(socket.RemoteEndPoint)} in {Stopwatch.GetElapsedTime(resolved, timing.ConnectedAt).TotalMilliseconds:0.###} ms.");
                return new NetworkStream(socket, ownsSocket: true);
            },
            PlaintextStreamFilter = (context, _) =>
            {
                if (context.PlaintextStream is SslStream ssl)
                {
                    timing.TlsMs += Stopwatch.GetElapsedTime(timing.ConnectedAt).TotalMilliseconds;
                    timing.TlsProtocol = ssl.SslProtocol.ToString();
                    options.Log?.Invoke($"TLS {ssl.SslProtocol}, {ssl.NegotiatedCipherSuite}, ALPN {(ssl.NegotiatedApplicationProtocol.Protocol.Length > 0 ? ssl.NegotiatedApplicationProtocol.ToString() : "none")}.");
                    if (ssl.RemoteCertificate is { } certificate)
                    {
                        using var copy = new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate);
                        timing.CertificateNotAfter = copy.NotAfter;
                    }
                }
                return ValueTask.FromResult(context.PlaintextStream);
            },
        };
        options.Tls.ApplyTo(handler.SslOptions);
        return handler;
    }

    // The handler's sockets are dual-mode: show 127.0.0.1:80, not [::ffff:127.0.0.1]:80.
    private static string Plain(EndPoint? endpoint) => endpoint is IPEndPoint { Address.IsIPv4MappedToIPv6: true } mapped
        ? new IPEndPoint(mapped.Address.MapToIPv4(), mapped.Port).ToString()
        : endpoint?.ToString() ?? "";

    private sealed class PhaseTiming
    {
        public double DnsMs { get; set; }

        public double ConnectMs { get; set; }

        public double TlsMs { get; set; }

        public long ConnectedAt { get; set; }

        public string TlsProtocol { get; set; } = "";

        public DateTime? CertificateNotAfter { get; set; }
    }
}
