using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Google.Protobuf.Reflection;
using Grpc.Core;
using PSNetTools.Grpc.Codec;
using PSNetTools.Grpc.Descriptors;
using PSNetTools.Grpc.ProtoFiles;
using PSNetTools.Grpc.Reflection;

namespace PSNetTools.Grpc;

/// <summary>
/// Dynamic gRPC calls: the method and its message types come from reflection or from .proto files, request bodies
/// (dictionaries, lists, scalars) are encoded by walking the descriptors, and responses come back as
/// <see cref="ProtoMessage"/>s. One client holds one channel and caches what reflection sent.
/// </summary>
public sealed class GrpcClient : IDisposable
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    /// <summary>Responses read off the wire and not yet taken by the consumer, at most.</summary>
    internal const int ResponseQueueCapacity = 16;
    private readonly GrpcConnection? _connection;
    private readonly IDescriptorSource _source;
    private readonly ProtoEncoder _encoder;
    private readonly ProtoDecoder _decoder;

    private GrpcClient(GrpcConnection? connection, IDescriptorSource source)
    {
        _connection = connection;
        _source = source;
        _encoder = new ProtoEncoder(source.FindMessage);
        _decoder = new ProtoDecoder(source.FindMessage);
    }

    public GrpcConnection? Connection => _connection;

    /// <summary>Where the descriptors come from: "server reflection (...)", or the files.</summary>
    public string DescriptorSource => _source.Description;

    /// <exception cref="ArgumentException">A bad address.</exception>
    /// <exception cref="FormatException">.proto files or a descriptor set that do not parse or link.</exception>
    /// <exception cref="PSNetTools.Grpc.ProtoFiles.ProtoImportNotFoundException">A .proto file, or one it imports, is in none of the import paths.</exception>
    public static GrpcClient Open(GrpcConnectionOptions options, GrpcDescriptorOptions? descriptors = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var files = descriptors is { UsesReflection: false } ? LoadFiles(descriptors) : null;
        var connection = GrpcConnection.Open(options);
        return new GrpcClient(connection, files ?? (IDescriptorSource)new ReflectionDescriptorSource(connection, options.ConnectTimeout + TimeSpan.FromSeconds(20)));
    }

    /// <summary>A client with no server, for listing what .proto files or a descriptor set declare.</summary>
    /// <exception cref="ArgumentException">No .proto files or descriptor set were given.</exception>
    /// <exception cref="FormatException">The files do not parse or link.</exception>
    /// <exception cref="PSNetTools.Grpc.ProtoFiles.ProtoImportNotFoundException">A file, or one it imports, is in none of the import paths.</exception>
    public static GrpcClient Offline(GrpcDescriptorOptions descriptors)
    {
        ArgumentNullException.ThrowIfNull(descriptors);
        if (descriptors.UsesReflection) throw new ArgumentException("Without a server there is no reflection to ask: the descriptors must come from .proto files or a descriptor set.", nameof(descriptors));
        return new GrpcClient(null, LoadFiles(descriptors));
    }

    private static FileDescriptorSource LoadFiles(GrpcDescriptorOptions descriptors)
    {
        if (!string.IsNullOrEmpty(descriptors.DescriptorSet))
        {
            return new FileDescriptorSource(DescriptorSetLoader.Load(descriptors.DescriptorSet), Path.GetFileName(descriptors.DescriptorSet));
        }
        return new FileDescriptorSource(ProtoFileLoader.Load(descriptors.ProtoFiles, descriptors.ImportPaths), string.Join(", ", descriptors.ProtoFiles.Select(Path.GetFileName)));
    }

    private string Where => _connection?.Options.Address ?? _source.Description;

    /// <summary>Finds 'package.Service/Method' (also 'package.Service.Method', or 'Service/Method' when the service name is unique).</summary>
    /// <exception cref="GrpcCallException">NotFound when the service or method is not there; reflection failures.</exception>
    public async Task<GrpcMethodInfo> ResolveMethodAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var trimmed = name.Trim().TrimStart('/');
        var split = trimmed.LastIndexOf('/');
        if (split < 0) split = trimmed.LastIndexOf('.');
        if (split <= 0 || split == trimmed.Length - 1)
        {
            throw new ArgumentException($"'{name}' is not a method name: write package.Service/Method, e.g. calculator.Calculator/Add.", nameof(name));
        }
        var serviceName = trimmed[..split];
        var methodName = trimmed[(split + 1)..];

        var service = await _source.FindServiceAsync(serviceName, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string>? offered = null;
        if (service is null)
        {
            offered = await _source.ListServicesAsync(cancellationToken).ConfigureAwait(false);
            var bySimpleName = offered.Where(s => s.EndsWith("." + serviceName, StringComparison.Ordinal)).ToList();
            if (bySimpleName.Count == 1) service = await _source.FindServiceAsync(bySimpleName[0], cancellationToken).ConfigureAwait(false);
        }
        if (service is null)
        {
            throw new GrpcCallException(GrpcStatusCode.NotFound,
                $"the service '{serviceName}' is not offered by {Where}. Services: {string.Join(", ", offered ?? [])}", name);
        }
        var method = service.FindMethodByName(methodName)
            ?? service.Methods.FirstOrDefault(m => string.Equals(m.Name, methodName, StringComparison.OrdinalIgnoreCase))
            ?? throw new GrpcCallException(GrpcStatusCode.NotFound,
                $"the service {service.FullName} has no method '{methodName}'. Its methods: {string.Join(", ", service.Methods.Select(m => m.Name))}", name);
        return GrpcMethodInfo.From(method, Where);
    }

    /// <summary>
    /// Every method of every service (or of the services <paramref name="include"/> accepts). A service whose
    /// descriptors cannot be had (they do not link, reflection refuses) goes to <paramref name="failed"/> and the
    /// others are still listed; without it, the first such failure ends the listing.
    /// </summary>
    public async IAsyncEnumerable<GrpcMethodInfo> ListMethodsAsync(Func<string, bool>? include, [EnumeratorCancellation] CancellationToken cancellationToken,
        Action<string, Exception>? failed = null)
    {
        foreach (var name in await _source.ListServicesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (include is not null && !include(name)) continue;
            ServiceDescriptor? service;
            try
            {
                service = await _source.FindServiceAsync(name, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (failed is not null && ex is FormatException or GrpcCallException)
            {
                failed(name, ex);
                continue;
            }
            if (service is null) continue;
            foreach (var method in service.Methods) yield return GrpcMethodInfo.From(method, Where);
        }
    }

    /// <summary>Encodes a request body now, so a bad field is reported before anything is sent.</summary>
    /// <exception cref="ProtoValueException">The body does not fit the request type; the message names the field.</exception>
    public byte[] EncodeRequest(GrpcMethodInfo method, object? body)
    {
        ArgumentNullException.ThrowIfNull(method);
        return _encoder.Encode(method.Descriptor.InputType, body);
    }

    /// <summary>A response of <paramref name="method"/> off the wire (GrpcStreamSession reads its call itself).</summary>
    internal object? DecodeResponse(GrpcMethodInfo method, byte[] bytes) => _decoder.Decode(method.Descriptor.OutputType, bytes);

    /// <summary>One already encoded request (a unary or server-streaming call); yields each response as it arrives.</summary>
    /// <exception cref="GrpcCallException">Any status but OK, with the detail and trailers.</exception>
    public IAsyncEnumerable<object?> CallAsync(GrpcMethodInfo method, byte[] request, GrpcCallOptions options, Action<string>? log, CancellationToken cancellationToken) =>
        CallAsync(method, Once(request), options, log, cancellationToken);

    /// <summary>
    /// Calls <paramref name="method"/> with already encoded requests (one for unary and server-streaming calls, any
    /// number for client-streaming and bidi calls) and yields each response as it arrives.
    /// </summary>
    /// <exception cref="GrpcCallException">Any status but OK, with the detail and trailers.</exception>
    public async IAsyncEnumerable<object?> CallAsync(GrpcMethodInfo method, IAsyncEnumerable<byte[]> requests, GrpcCallOptions options, Action<string>? log, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(options);
        var connection = _connection ?? throw new InvalidOperationException("This client has no server address.");
        var descriptor = method.Descriptor;
        var type = (descriptor.IsClientStreaming, descriptor.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (false, true) => MethodType.ServerStreaming,
            (true, false) => MethodType.ClientStreaming,
            _ => MethodType.DuplexStreaming,
        };
        var grpcMethod = new Method<byte[], byte[]>(type, descriptor.Service.FullName, descriptor.Name, Bytes, Bytes);
        var compression = CompressionOf(options);
        var headers = connection.Headers(options.Metadata);
        // Grpc.Net.Client's switch for compressing this call's requests (with the channel's gzip provider).
        if (compression != "identity") headers.Add(CompressionRequestKey, compression);
        var callOptions = new CallOptions(headers, options.Deadline is { } d ? DateTime.UtcNow + d : null, cancellationToken);
        log?.Invoke($"calling {method.Name} ({method.Kind}) on {connection.Target}{(options.Deadline is { } dl ? $", deadline {dl.TotalSeconds:0.###} s" : "")}{(compression != "identity" ? $", requests in {compression}" : "")}");

        // Bounded: a consumer that reads slowly stops the call's reader here, and HTTP/2 flow control then stops the
        // server, instead of a long server stream piling up in memory ahead of the pipeline.
        var responses = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(ResponseQueueCapacity) { SingleReader = true, SingleWriter = true });
        // A reader that stops early (a response that does not decode, a consumer that breaks off) must not leave the
        // call running, still reading its requests: it is cancelled and awaited.
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = new GrpcCallRun(connection, grpcMethod, callOptions.WithCancellationToken(abandon.Token), method.Name, compression, options.Completed, log);
        var call = run.RunAsync(requests, responses.Writer, abandon.Token);
        var finished = false;
        try
        {
            await foreach (var bytes in responses.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                yield return _decoder.Decode(descriptor.OutputType, bytes);
            }
            finished = true;
        }
        finally
        {
            if (!finished)
            {
                await abandon.CancelAsync().ConfigureAwait(false);
                try
                {
                    await call.ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or GrpcCallException or RpcException or IOException or ArgumentException)
                {
                    // The reader already has the exception that matters.
                }
            }
        }
        await call.ConfigureAwait(false);
    }

    /// <summary>The metadata key Grpc.Net.Client reads (and does not send) to compress a call's requests.</summary>
    private const string CompressionRequestKey = "grpc-internal-encoding-request";

    private static string CompressionOf(GrpcCallOptions options) => options.Compression?.Trim().ToLowerInvariant() switch
    {
        null or "" or "identity" => "identity",
        "gzip" => "gzip",
        var other => throw new ArgumentException($"'{other}' is not a compression this client has: gzip or identity.", nameof(options)),
    };

    internal static async Task<byte[]> SingleAsync(IAsyncEnumerable<byte[]> requests, string name, CancellationToken cancellationToken)
    {
        byte[]? first = null;
        await foreach (var request in requests.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (first is not null) throw new ArgumentException($"{name} takes one request message, not a stream of them.");
            first = request;
        }
        return first ?? [];
    }

    /// <summary>
    /// Writes the requests and half-closes. A server that ends the call early (Unimplemented, an error, a reply
    /// before reading everything) makes the writes fail with a bare Cancelled; that is swallowed here so the caller
    /// reads the response or status, which carries the real reason.
    /// </summary>
    internal static async Task SendAllAsync<T>(IClientStreamWriter<T> stream, IAsyncEnumerable<T> requests, CancellationToken cancellationToken, Func<T, WriteOptions?>? writeOptions = null)
    {
        try
        {
            await foreach (var request in requests.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (writeOptions is not null) stream.WriteOptions = writeOptions(request);
                await stream.WriteAsync(request, cancellationToken).ConfigureAwait(false);
            }
            await stream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is RpcException or OperationCanceledException or InvalidOperationException or IOException)
        {
        }
    }

    internal static async IAsyncEnumerable<T> Once<T>(T item)
    {
        yield return item;
        await Task.CompletedTask.ConfigureAwait(false);
    }

    internal static async Task LogHeadersAsync(Task<Metadata> headers, Action<string>? log)
    {
        if (log is null) return;
        var metadata = await headers.ConfigureAwait(false);
        if (metadata.Count > 0) log($"response headers: {Format(metadata)}");
    }

    internal static void LogTrailers(Status status, Metadata trailers, Action<string>? log)
    {
        if (log is null) return;
        log($"status {status.StatusCode}{(trailers.Count > 0 ? $", trailers: {Format(trailers)}" : "")}");
    }

    internal static string Format(Metadata metadata) =>
        string.Join("; ", metadata.Select(e => $"{e.Key}: {(e.IsBinary ? $"({e.ValueBytes.Length} bytes)" : Redact(e.Key, e.Value))}"));

    private static string Redact(string key, string value) =>
        key is "authorization" or "cookie" or "set-cookie" || key.Contains("token", StringComparison.OrdinalIgnoreCase) ? "(redacted)" : value;

    public void Dispose()
    {
        (_source as IDisposable)?.Dispose();
        _connection?.Dispose();
    }
}
