using System.Diagnostics;
using System.Threading.Channels;
using Grpc.Core;

namespace PSNetTools.Grpc;

/// <summary>
/// One call on the wire: sends the requests, hands each response to the channel as it arrives, and at the end tells
/// the caller how the call ended (status, headers, trailers, the reply's encoding), on success and on failure.
/// </summary>
internal sealed class GrpcCallRun(GrpcConnection connection, Method<byte[], byte[]> method, CallOptions options, string name, string compression,
    Action<GrpcCallResult>? completed, Action<string>? log)
{
    // An empty message compressed by Grpc.Net.Client is a zero-length gzip body, which grpc-js (zlib) refuses as
    // "Failed to decompress": an empty message goes uncompressed, as the compressed flag allows per message.
    private static readonly WriteOptions NoCompress = new(WriteFlags.NoCompress);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private EncodingProbe? _probe;
    private Task<Metadata>? _headers;
    private int _count;

    public async Task RunAsync(IAsyncEnumerable<byte[]> requests, ChannelWriter<byte[]> responses, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        // Read by the HTTP handler of this call's request (see ResponseEncodingHandler).
        _probe = ResponseEncodingHandler.Probe();
        try
        {
            var invoker = connection.Invoker;
            switch (method.Type)
            {
                case MethodType.Unary:
                {
                    var request = await GrpcClient.SingleAsync(requests, name, cancellationToken).ConfigureAwait(false);
                    using var call = invoker.AsyncUnaryCall(method, null, WithCompression(options, request), request);
                    _headers = call.ResponseHeadersAsync;
                    await OneReplyAsync(call.ResponseAsync, call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, responses).ConfigureAwait(false);
                    break;
                }
                case MethodType.ServerStreaming:
                {
                    var request = await GrpcClient.SingleAsync(requests, name, cancellationToken).ConfigureAwait(false);
                    using var call = invoker.AsyncServerStreamingCall(method, null, WithCompression(options, request), request);
                    _headers = call.ResponseHeadersAsync;
                    await GrpcClient.LogHeadersAsync(call.ResponseHeadersAsync, log).ConfigureAwait(false);
                    while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                    {
                        _count++;
                        await responses.WriteAsync(call.ResponseStream.Current, cancellationToken).ConfigureAwait(false);
                    }
                    Ended(call.GetStatus(), call.GetTrailers());
                    break;
                }
                case MethodType.ClientStreaming:
                {
                    using var call = invoker.AsyncClientStreamingCall(method, null, options);
                    _headers = call.ResponseHeadersAsync;
                    await SendAsync(call.RequestStream, requests, call.ResponseAsync, cancellationToken).ConfigureAwait(false);
                    await OneReplyAsync(call.ResponseAsync, call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, responses).ConfigureAwait(false);
                    break;
                }
                default:
                {
                    using var call = invoker.AsyncDuplexStreamingCall(method, null, options);
                    _headers = call.ResponseHeadersAsync;
                    // Requests go out while responses come in: a chat server answers each message as it arrives.
                    var sending = GrpcClient.SendAllAsync(call.RequestStream, requests, cancellationToken, WriteOptionsFor);
                    var headersLogged = GrpcClient.LogHeadersAsync(call.ResponseHeadersAsync, log);
                    while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                    {
                        _count++;
                        await responses.WriteAsync(call.ResponseStream.Current, cancellationToken).ConfigureAwait(false);
                    }
                    await headersLogged.ConfigureAwait(false);
                    await sending.ConfigureAwait(false);
                    Ended(call.GetStatus(), call.GetTrailers());
                    break;
                }
            }
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            Ended(ex.Status, ex.Trailers);
            failure = new OperationCanceledException(cancellationToken);
        }
        catch (RpcException ex)
        {
            Ended(ex.Status, ex.Trailers);
            failure = GrpcCallException.From(ex, name);
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            Ended(new Status(StatusCode.Cancelled, "cancelled by the client"), Metadata.Empty);
            failure = ex;
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            responses.TryComplete();
        }
        if (failure is not null) throw failure;
    }

    // Unary and client-streaming calls end with one reply: it, the headers' log line, then how the call ended.
    private async Task OneReplyAsync(Task<byte[]> reply, Task<Metadata> headers, Func<Status> status, Func<Metadata> trailers, ChannelWriter<byte[]> responses)
    {
        var response = await reply.ConfigureAwait(false);
        await GrpcClient.LogHeadersAsync(headers, log).ConfigureAwait(false);
        _count++;
        responses.TryWrite(response);
        Ended(status(), trailers());
    }

    private WriteOptions? WriteOptionsFor(byte[] request) => compression != "identity" && request.Length == 0 ? NoCompress : null;

    private CallOptions WithCompression(CallOptions callOptions, byte[] request) =>
        WriteOptionsFor(request) is { } write ? callOptions.WithWriteOptions(write) : callOptions;

    /// <summary>
    /// Client streaming: the requests come from the pipeline, and the call may end first (a deadline, a server that
    /// answers early): then the input is no longer waited for, so the failure is reported when it happens.
    /// </summary>
    private async Task SendAsync(IClientStreamWriter<byte[]> stream, IAsyncEnumerable<byte[]> requests, Task<byte[]> response, CancellationToken cancellationToken)
    {
        var stopSending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sending = GrpcClient.SendAllAsync(stream, requests, stopSending.Token, WriteOptionsFor);
        if (await Task.WhenAny(sending, response).ConfigureAwait(false) == sending)
        {
            await sending.ConfigureAwait(false);
            return;
        }
        // The pipeline's next record may be far off, and the request enumerator does not take a token: the sender is
        // left to end when it does (its writes fail at once on the finished call) instead of being awaited.
        await stopSending.CancelAsync().ConfigureAwait(false);
        _ = sending.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Ended(Status status, Metadata trailers)
    {
        GrpcClient.LogTrailers(status, trailers, log);
        if (completed is null) return;
        completed(new GrpcCallResult
        {
            Method = name,
            Status = ((GrpcStatusCode)(int)status.StatusCode).ToString(),
            Detail = status.Detail,
            ResponseCount = _count,
            ResponseHeaderEntries = _headers is { IsCompletedSuccessfully: true } h ? Entries(h.Result) : [],
            TrailerEntries = Entries(trailers),
            ResponseEncoding = _probe?.Encoding ?? "",
            RequestEncoding = compression,
            ElapsedMs = Math.Round(_clock.Elapsed.TotalMilliseconds, 1),
        });
    }

    private static KeyValuePair<string, string>[] Entries(Metadata metadata) =>
        [.. metadata.Select(e => KeyValuePair.Create(e.Key, e.IsBinary ? Convert.ToBase64String(e.ValueBytes) : e.Value))];
}
