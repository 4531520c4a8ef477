using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Reflection.V1;
using PSNetTools.Grpc.Descriptors;

namespace PSNetTools.Grpc.Reflection;

/// <summary>
/// Descriptors fetched from the server's reflection service, file by file as calls need them, and kept for the
/// connection's life. grpc.reflection.v1 is tried first; servers that only have v1alpha (older grpc-java, grpc-go)
/// answer Unimplemented and get v1alpha, whose messages are wire-identical, so one set of types serves both.
/// </summary>
internal sealed class ReflectionDescriptorSource : IDescriptorSource, IDisposable
{
    private const string V1 = "grpc.reflection.v1.ServerReflection";
    private const string V1Alpha = "grpc.reflection.v1alpha.ServerReflection";

    private static readonly Marshaller<ServerReflectionRequest> RequestMarshaller =
        Marshallers.Create(r => r.ToByteArray(), ServerReflectionRequest.Parser.ParseFrom);

    private static readonly Marshaller<ServerReflectionResponse> ResponseMarshaller =
        Marshallers.Create(r => r.ToByteArray(), ServerReflectionResponse.Parser.ParseFrom);

    private readonly GrpcConnection _connection;
    private readonly TimeSpan _timeout;
    private readonly Dictionary<string, FileDescriptorProto> _files = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DescriptorPool _pool = DescriptorPool.Empty;
    private string? _service;

    public ReflectionDescriptorSource(GrpcConnection connection, TimeSpan timeout)
    {
        _connection = connection;
        _timeout = timeout;
    }

    public string Description => _service is null ? "server reflection" : $"server reflection ({_service})";

    public MessageDescriptor? FindMessage(string fullName) => Volatile.Read(ref _pool).FindMessage(fullName);

    public async Task<IReadOnlyList<string>> ListServicesAsync(CancellationToken cancellationToken)
    {
        var response = await AskAsync(new ServerReflectionRequest { ListServices = "" }, cancellationToken).ConfigureAwait(false);
        if (response.MessageResponseCase == ServerReflectionResponse.MessageResponseOneofCase.ErrorResponse)
        {
            throw new GrpcCallException((GrpcStatusCode)response.ErrorResponse.ErrorCode, response.ErrorResponse.ErrorMessage, "reflection ListServices");
        }
        return [.. response.ListServicesResponse.Service.Select(s => s.Name).Order(StringComparer.Ordinal)];
    }

    public async Task<ServiceDescriptor?> FindServiceAsync(string fullName, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_pool.FindService(fullName) is { } known) return known;
            var response = await AskAsync(new ServerReflectionRequest { FileContainingSymbol = fullName }, cancellationToken).ConfigureAwait(false);
            if (response.MessageResponseCase == ServerReflectionResponse.MessageResponseOneofCase.ErrorResponse)
            {
                if (response.ErrorResponse.ErrorCode == (int)StatusCode.NotFound) return null;
                throw new GrpcCallException((GrpcStatusCode)response.ErrorResponse.ErrorCode, response.ErrorResponse.ErrorMessage, $"reflection of {fullName}");
            }
            var before = _files.Keys.ToHashSet(StringComparer.Ordinal);
            try
            {
                AddFiles(response);
                await FetchMissingImportsAsync(cancellationToken).ConfigureAwait(false);
                var pool = new DescriptorPool(FileDescriptorBuilder.Build(_files.Values));
                Volatile.Write(ref _pool, pool);
                return pool.FindService(fullName);
            }
            catch
            {
                // Files that do not link are forgotten, so one broken service does not spoil the others' lookups.
                foreach (var added in _files.Keys.Where(k => !before.Contains(k)).ToList()) _files.Remove(added);
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task FetchMissingImportsAsync(CancellationToken cancellationToken)
    {
        // Most servers send a file with all it imports; some send only the file itself, so ask for the rest by name.
        for (var missing = Missing(); missing.Count > 0; missing = Missing())
        {
            foreach (var name in missing)
            {
                var response = await AskAsync(new ServerReflectionRequest { FileByFilename = name }, cancellationToken).ConfigureAwait(false);
                if (response.MessageResponseCase == ServerReflectionResponse.MessageResponseOneofCase.FileDescriptorResponse)
                {
                    AddFiles(response);
                }
                else
                {
                    // A well-known import the server does not serve is supplied from Google.Protobuf by the builder.
                    _files[name] = FileDescriptorBuilder.WellKnownFile(name)
                        ?? throw new FormatException($"The server's reflection does not serve '{name}', which its services import ({response.ErrorResponse?.ErrorMessage}).");
                }
                if (!_files.ContainsKey(name)) throw new FormatException($"The server's reflection answered for '{name}' with other files.");
            }
        }

        List<string> Missing() => [.. _files.Values.SelectMany(f => f.Dependency).Where(d => !_files.ContainsKey(d)).Distinct(StringComparer.Ordinal)];
    }

    private void AddFiles(ServerReflectionResponse response)
    {
        foreach (var bytes in response.FileDescriptorResponse.FileDescriptorProto)
        {
            var file = FileDescriptorProto.Parser.ParseFrom(bytes);
            _files.TryAdd(file.Name, file);
        }
    }

    private async Task<ServerReflectionResponse> AskAsync(ServerReflectionRequest request, CancellationToken cancellationToken)
    {
        foreach (var service in _service is null ? new[] { V1, V1Alpha } : [_service])
        {
            var method = new Method<ServerReflectionRequest, ServerReflectionResponse>(
                MethodType.DuplexStreaming, service, "ServerReflectionInfo", RequestMarshaller, ResponseMarshaller);
            var options = new CallOptions(_connection.Headers(), DateTime.UtcNow + _timeout, cancellationToken);
            try
            {
                using var call = _connection.Invoker.AsyncDuplexStreamingCall(method, null, options);
                await GrpcClient.SendAllAsync(call.RequestStream, GrpcClient.Once(request), cancellationToken).ConfigureAwait(false);
                if (!await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                {
                    throw new FormatException($"The server's {service} closed the stream without answering.");
                }
                if (_service is null) _connection.Options.Log?.Invoke($"using {service}");
                _service = service;
                return call.ResponseStream.Current;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unimplemented && _service is null && service == V1)
            {
                _connection.Options.Log?.Invoke("grpc.reflection.v1 is not implemented; trying v1alpha");
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unimplemented)
            {
                throw new GrpcCallException(GrpcStatusCode.Unimplemented,
                    "the server does not offer server reflection (grpc.reflection.v1 or v1alpha)",
                    "reflection", inner: ex);
            }
            catch (RpcException ex)
            {
                throw GrpcCallException.From(ex, "reflection");
            }
        }
        throw new InvalidOperationException("unreachable");
    }

    public void Dispose() => _gate.Dispose();
}
