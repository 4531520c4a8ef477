using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Compression;
using PSNetTools.Net;

namespace PSNetTools.Grpc;

/// <summary>
/// One HTTP/2 channel to a gRPC server, reused by every call made through it (a pipeline of a thousand calls opens
/// one connection). Grpc.Net.Client does the HTTP/2; this only chooses TLS or h2c and the certificate policy.
/// </summary>
public sealed class GrpcConnection : IDisposable
{
    private readonly GrpcChannel _channel;

    private GrpcConnection(Uri target, GrpcChannel channel, GrpcConnectionOptions options)
    {
        Target = target;
        _channel = channel;
        Options = options;
        Invoker = channel.CreateCallInvoker();
    }

    public Uri Target { get; }

    public GrpcConnectionOptions Options { get; }

    internal CallInvoker Invoker { get; }

    /// <exception cref="ArgumentException">The address is not host:port or an http(s) URI.</exception>
    /// <exception cref="ArgumentException">The client certificate has no private key.</exception>
    public static GrpcConnection Open(GrpcConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var target = ParseAddress(options.Address, options.Plaintext);
        var connectTo = new DnsEndPoint(target.IdnHost, target.Port);
        // --server_host_override: the channel (so :authority, SNI and the certificate's name check) uses the name,
        // while the socket connects to the address given; the name is never resolved.
        var channelTarget = string.IsNullOrWhiteSpace(options.ServerName) ? target : WithHost(target, options.ServerName.Trim());
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
            // gRPC has no redirects (grpc-go and grpc-js fail a call on any status but 200). The handler's own would
            // dial the connect callback's address again, up to 50 times, before the call failed on the last 3xx.
            AllowAutoRedirect = false,
        };
        var plaintext = target.Scheme == Uri.UriSchemeHttp;
        handler.ConnectCallback = (_, cancellationToken) => TransportSniffingStream.ConnectAsync(connectTo, plaintext, cancellationToken);
        // The same trust as every TLS client of the module: the system's roots plus TrustedRoots, names always checked.
        new TlsTrust { SkipCertificateCheck = options.SkipCertificateCheck, TrustedCertificates = options.TrustedRoots, ClientCertificate = options.ClientCertificate }
            .ApplyTo(handler.SslOptions);
        var channel = GrpcChannel.ForAddress(channelTarget, new GrpcChannelOptions
        {
            HttpHandler = new ResponseEncodingHandler(plaintext || options.ClientCertificate is not null
                ? handler
                : new ClientCertificateCheckHandler(handler, SslApplicationProtocol.Http2, connectTo, channelTarget.IdnHost,
                    ex => Failures.Innermost<TransportMismatchException>(ex) is not null)),
            // gzip for requests that ask for it (-Compression); replies in gzip are read whatever was asked.
            CompressionProviders = [new GzipCompressionProvider(CompressionLevel.Fastest)],
            DisposeHttpClient = true,
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            MaxSendMessageSize = 64 * 1024 * 1024,
        });
        options.Log?.Invoke($"gRPC channel to {target} ({(target.Scheme == Uri.UriSchemeHttp ? "plaintext HTTP/2" : "HTTP/2 over TLS")}){(channelTarget == target ? "" : $" as {channelTarget.IdnHost}")}");
        return new GrpcConnection(target, channel, options);
    }

    /// <summary>Accepts what users type for grpcurl: host:port, 127.0.0.1:50051, [::1]:50051, or a full URI.</summary>
    public static Uri ParseAddress(string address, bool plaintext)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        address = address.Trim();
        if (address.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new ArgumentException($"'{address}' is not a gRPC address: write host:port, or an http:// or https:// URI.", nameof(address));
            }
            if (TargetSpec.NotAnAddress(uri) is { } notAnAddress) throw new ArgumentException($"'{address}': the host {notAnAddress}", nameof(address));
            return new Uri(uri.GetLeftPart(UriPartial.Authority));
        }
        var colon = address.LastIndexOf(':');
        var closing = address.LastIndexOf(']');
        if (colon < 0 || colon < closing || !address[(colon + 1)..].All(char.IsAsciiDigit) || colon == address.Length - 1)
        {
            throw new ArgumentException($"'{address}' has no port: a gRPC address is host:port, e.g. localhost:50051 or [::1]:50051.", nameof(address));
        }
        if (!int.TryParse(address[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"'{address}': {address[(colon + 1)..]} is not a port; a port is 1 to 65535.", nameof(address));
        }
        var host = address[..colon];
        if (host.Length == 0) throw new ArgumentException($"'{address}' has no host: a gRPC address is host:port, e.g. localhost:50051.", nameof(address));
        // A bare IPv6 address (::1:50051 is ambiguous) must be bracketed.
        if (host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('['))
        {
            throw new ArgumentException($"'{address}': put an IPv6 address in brackets, e.g. [::1]:50051.", nameof(address));
        }
        // Read as every target of the module is: 256.0.0.1 is not an address, and no name to send to DNS.
        if (TargetSpec.NotAnAddress(host) is { } invalid) throw new ArgumentException($"'{address}': {invalid}", nameof(address));
        var builder = new UriBuilder(plaintext ? Uri.UriSchemeHttp : Uri.UriSchemeHttps, host.Trim('[', ']'), port);
        return builder.Uri;
    }

    private static Uri WithHost(Uri target, string name)
    {
        if (Uri.CheckHostName(name.Trim('[', ']')) == UriHostNameType.Unknown)
        {
            throw new ArgumentException($"'{name}' is not a host name.", nameof(name));
        }
        return new UriBuilder(target) { Host = name.Trim('[', ']') }.Uri;
    }

    internal Metadata Headers(IReadOnlyDictionary<string, object>? extra = null)
    {
        var metadata = new Metadata();
        foreach (var (key, value) in Options.Metadata.Concat(extra ?? new Dictionary<string, object>()))
        {
            var name = key.ToLowerInvariant();
            try
            {
                if (name.EndsWith(Metadata.BinaryHeaderSuffix, StringComparison.Ordinal))
                {
                    metadata.Add(name, value as byte[] ?? Convert.FromBase64String(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""));
                }
                else
                {
                    metadata.Add(name, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException)
            {
                throw new ArgumentException($"Metadata '{key}': {ex.Message} (keys are ASCII letters, digits, '-', '_', '.'; a key ending in -bin takes a byte[] or base64).", ex);
            }
        }
        return metadata;
    }

    public void Dispose() => _channel.Dispose();
}
