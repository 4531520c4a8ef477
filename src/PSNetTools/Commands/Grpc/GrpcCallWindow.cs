using System.Threading.Channels;
using PSNetTools.Infrastructure;

namespace PSNetTools.Commands.Grpc;

/// <summary>
/// -ThrottleLimit for gRPC calls: up to <c>limit</c> calls run at once and their output keeps the input order, but
/// nothing is held whole. Each call writes into a small bounded buffer of its own; the head call's buffer is written
/// to the pipeline as it fills, and a call behind it that fills its buffer waits (its server stream then waits on
/// HTTP/2 flow control). So a long server stream under -ThrottleLimit 4 streams, in constant memory.
/// </summary>
internal static class GrpcCallWindow
{
    /// <summary>Writes a call may buffer ahead of the pipeline while calls before it are still being written.</summary>
    public const int BufferPerCall = 16;

    public static async Task RunAsync<T>(IAsyncEnumerable<T> items, int limit, Func<T, CallOutputBuffer, Task> start, PipelineSink sink, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(limit, limit);
        // Bounded by the slots: at most `limit` calls are started and not yet written.
        var order = Channel.CreateUnbounded<CallOutputBuffer>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writer = WriteInOrderAsync(order.Reader, slots, sink, failed);
        try
        {
            await foreach (var item in items.ConfigureAwait(false))
            {
                await slots.WaitAsync(failed.Token).ConfigureAwait(false);
                var buffer = new CallOutputBuffer();
                buffer.Run(start(item, buffer));
                order.Writer.TryWrite(buffer);
            }
        }
        catch (OperationCanceledException) when (failed.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The writer failed: its exception is the one to throw, below.
        }
        finally
        {
            order.Writer.TryComplete();
        }
        await writer.ConfigureAwait(false);
    }

    private static async Task WriteInOrderAsync(ChannelReader<CallOutputBuffer> order, SemaphoreSlim slots, PipelineSink sink, CancellationTokenSource failed)
    {
        try
        {
            await foreach (var call in order.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                await call.ReplayAsync(sink).ConfigureAwait(false);
                slots.Release();
            }
        }
        catch
        {
            await failed.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }
}

/// <summary>
/// One call's output on its way to the pipeline: writes to replay there. Replies count against a budget of
/// <see cref="GrpcCallWindow.BufferPerCall"/> (a call ahead of the pipeline waits for room, without a thread); its few
/// verbose lines and errors always go in, so the engine's synchronous log never blocks.
/// </summary>
internal sealed class CallOutputBuffer
{
    private readonly Channel<(Action<PipelineSink> Write, bool Counted)> _writes =
        Channel.CreateUnbounded<(Action<PipelineSink>, bool)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    // One token per reply not yet written: full means the call waits.
    private readonly Channel<bool> _held = Channel.CreateBounded<bool>(GrpcCallWindow.BufferPerCall);

    /// <summary>A reply: waits while <see cref="GrpcCallWindow.BufferPerCall"/> of them wait for the pipeline.</summary>
    public async ValueTask AddReplyAsync(Action<PipelineSink> write, CancellationToken cancellationToken)
    {
        await _held.Writer.WriteAsync(true, cancellationToken).ConfigureAwait(false);
        if (!_writes.Writer.TryWrite((write, true))) _held.Reader.TryRead(out _);
    }

    /// <summary>A verbose line or an error: never waits.</summary>
    public void Add(Action<PipelineSink> write) => _writes.Writer.TryWrite((write, false));

    /// <summary>On the writer's side: replays everything until the call has ended; a call that failed unexpectedly throws.</summary>
    public async Task ReplayAsync(PipelineSink sink)
    {
        await foreach (var (write, counted) in _writes.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            write(sink);
            if (counted) _held.Reader.TryRead(out _);
        }
    }

    /// <summary>Closes the buffer when the call ends; a call that fails unexpectedly fails the window.</summary>
    public void Run(Task call) =>
        _ = call.ContinueWith(t => _writes.Writer.TryComplete(t.Exception?.GetBaseException()), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
