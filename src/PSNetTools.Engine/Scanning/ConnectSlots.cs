using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using PSNetTools.Engine.Net;

namespace PSNetTools.Engine.Scanning;

/// <summary>
/// The connect engine of the scan: ThrottleLimit slots, each a reusable SocketAsyncEventArgs that connects one socket
/// after another. A connect that the kernel answers at once (loopback, the local network: accepted or reset) completes
/// inside ConnectAsync with no callback, no task and no exception, and the slot goes straight on to the next probe;
/// only connects still in flight wait for the completion callback. One timer sweeps the slots for timeouts instead of
/// one timer per connect.
/// </summary>
internal sealed class ConnectSlots
{
    private readonly ChannelReader<(ResolvedTarget Target, int Port)> _work;
    private readonly Action<ResolvedTarget, int, PortState, double> _report;
    private readonly long _timeoutTicks;
    private readonly CancellationToken _cancellation;
    private readonly Slot[] _slots;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;

    public ConnectSlots(ChannelReader<(ResolvedTarget, int)> work, int slots, TimeSpan timeout,
        Action<ResolvedTarget, int, PortState, double> report, CancellationToken cancellationToken)
    {
        _work = work;
        _report = report;
        _timeoutTicks = (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        _cancellation = cancellationToken;
        _slots = new Slot[Math.Max(1, slots)];
    }

    public async Task RunAsync()
    {
        _running = _slots.Length;
        var sweepEvery = TimeSpan.FromMilliseconds(Math.Clamp(_timeoutTicks * 1000.0 / Stopwatch.Frequency / 4, 10, 100));
        using var sweeper = new Timer(_ => Sweep(), null, sweepEvery, sweepEvery);
        using var cancelled = _cancellation.Register(Sweep);
        for (var i = 0; i < _slots.Length; i++)
        {
            var slot = new Slot(this);
            _slots[i] = slot;
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Next(), slot, preferLocal: false);
        }
        await _done.Task.ConfigureAwait(false);
    }

    // Connects that outlived the timeout (or all of them, on cancellation) are aborted; their callbacks report Filtered.
    private void Sweep()
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var slot in _slots)
        {
            slot?.AbortIfExpired(now, _cancellation.IsCancellationRequested);
        }
    }

    private void SlotFinished()
    {
        if (Interlocked.Decrement(ref _running) == 0) _done.TrySetResult();
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The slot disposes its SocketAsyncEventArgs itself when it runs out of work.")]
    private sealed class Slot
    {
        private readonly ConnectSlots _owner;
        private readonly SocketAsyncEventArgs _args = new();
        private readonly object _gate = new();
        private Socket? _socket;
        private (ResolvedTarget Target, int Port) _item;
        private long _started;
        private bool _inFlight;
        private bool _timedOut;
        private int _retries;

        public Slot(ConnectSlots owner)
        {
            _owner = owner;
            _args.Completed += (_, _) =>
            {
                Complete();
                Next();
            };
        }

        public void Next()
        {
            while (true)
            {
                if (_owner._cancellation.IsCancellationRequested || !TryTake(out var item))
                {
                    if (!_owner._cancellation.IsCancellationRequested && !_owner._work.Completion.IsCompleted)
                    {
                        // The queue is empty for now (a name is still resolving): resume when the producer adds more.
                        _ = _owner._work.WaitToReadAsync(_owner._cancellation).AsTask().ContinueWith(
                            static (_, s) => ((Slot)s!).Next(), this, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                        return;
                    }
                    _args.Dispose();
                    _owner.SlotFinished();
                    return;
                }
                if (!Start(item)) return; // in flight: the Completed callback continues this slot
                Complete();
            }
        }

        private bool TryTake(out (ResolvedTarget Target, int Port) item) => _owner._work.TryRead(out item);

        // Returns false when the connect is in flight.
        private bool Start((ResolvedTarget Target, int Port) item)
        {
            var socket = new Socket(item.Target.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            lock (_gate)
            {
                _socket = socket;
                _item = item;
                _started = Stopwatch.GetTimestamp();
                _timedOut = false;
                _inFlight = true;
            }
            _args.RemoteEndPoint = new IPEndPoint(item.Target.Address, item.Port);
            try
            {
                return !socket.ConnectAsync(_args);
            }
            catch (ObjectDisposedException)
            {
                // Aborted by cancellation between creation and connect.
                _args.SocketError = SocketError.OperationAborted;
                return true;
            }
        }

        private void Complete()
        {
            Socket socket;
            bool timedOut;
            lock (_gate)
            {
                socket = _socket!;
                timedOut = _timedOut;
                _inFlight = false;
            }
            var error = _args.SocketError;
            var latency = Stopwatch.GetElapsedTime(_started).TotalMilliseconds;
            if (error is SocketError.AddressNotAvailable or SocketError.NoBufferSpaceAvailable or SocketError.TooManyOpenSockets && _retries < 50)
            {
                // Out of ephemeral ports or descriptors: our limit, not the target's answer. Breathe, then try the same probe again.
                socket.Dispose();
                _retries++;
                Thread.Sleep(Math.Min(50, _retries * 2));
                if (Start(_item)) Complete();
                return;
            }
            _retries = 0;
            var state = error switch
            {
                SocketError.Success => IsSelfConnect(socket) ? PortState.Closed : PortState.Open,
                SocketError.ConnectionRefused => PortState.Closed,
                _ => PortState.Filtered,
            };
            // A reset instead of FIN: no TIME_WAIT per open port, so full scans can run back to back.
            if (state == PortState.Open) socket.LingerState = new LingerOption(true, 0);
            socket.Dispose();
            if (_owner._cancellation.IsCancellationRequested) return;
            _owner._report(_item.Target, _item.Port, state, timedOut ? _owner._timeoutTicks * 1000.0 / Stopwatch.Frequency : latency);
        }

        public void AbortIfExpired(long now, bool cancelled)
        {
            lock (_gate)
            {
                if (!_inFlight || _socket is null) return;
                if (!cancelled && now - _started <= _owner._timeoutTicks) return;
                _timedOut = true;
                // Closing the socket completes the pending connect with OperationAborted.
                _socket.Dispose();
            }
        }

        // Scanning one's own host, a connect whose ephemeral source port equals the target port "succeeds" by TCP
        // simultaneous open with itself. Nothing listens there.
        private static bool IsSelfConnect(Socket socket)
        {
            try
            {
                return socket.LocalEndPoint is IPEndPoint local && socket.RemoteEndPoint is IPEndPoint remote && local.Equals(remote);
            }
            catch (SocketException)
            {
                return false;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }
}
