using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using PSNetTools.Net;

namespace PSNetTools.Scanning;

/// <summary>
/// The connect engine of the scan: ThrottleLimit slots, each a reusable SocketAsyncEventArgs that connects one socket
/// after another. A connect that the kernel answers at once (loopback, the local network: accepted or reset) completes
/// inside ConnectAsync with no callback, no task and no exception, and the slot goes straight on to the next probe;
/// only connects still in flight wait for the completion callback. One timer sweeps the slots for timeouts instead of
/// one timer per connect.
/// </summary>
internal sealed class ConnectSlots
{
    private readonly ChannelReader<ScanProbe> _work;
    private readonly Action<ScanProbe, PortState, double> _report;
    private readonly Action<SocketError>? _onLimit;
    private readonly long _timeoutTicks;
    private readonly CancellationToken _cancellation;
    private readonly Slot[] _slots;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;
    private Exception? _failure;

    public ConnectSlots(ChannelReader<ScanProbe> work, int slots, TimeSpan timeout,
        Action<ScanProbe, PortState, double> report, Action<SocketError>? onLimit, CancellationToken cancellationToken)
    {
        _work = work;
        _report = report;
        _onLimit = onLimit;
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
        for (var i = 0; i < _slots.Length; i++) _slots[i] = new Slot(this);
        foreach (var slot in _slots) ThreadPool.UnsafeQueueUserWorkItem(static s => s.Next(), slot, preferLocal: false);
        await _done.Task.ConfigureAwait(false);
    }

    private bool Stopping => _cancellation.IsCancellationRequested || Volatile.Read(ref _failure) is not null;

    // Timer and cancellation callback: connects that outlived the timeout (or all of them, when stopping) are aborted;
    // their completions report Filtered. It must never throw: an exception here would end the process.
    private void Sweep()
    {
        var now = Stopwatch.GetTimestamp();
        var stopping = Stopping;
        foreach (var slot in _slots)
        {
            try
            {
                slot?.AbortIfExpired(now, stopping);
            }
            catch (Exception ex)
            {
                Fail(ex);
            }
        }
    }

    // A bug in a callback must end the scan with an error, not the user's session: the first failure is kept, the
    // other slots stop taking work, and RunAsync throws it once every slot has wound down.
    private void Fail(Exception ex) => Interlocked.CompareExchange(ref _failure, ex, null);

    private void SlotFinished()
    {
        if (Interlocked.Decrement(ref _running) != 0) return;
        if (Volatile.Read(ref _failure) is { } failure) _done.TrySetException(failure);
        else _done.TrySetResult();
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The slot disposes its SocketAsyncEventArgs itself when it runs out of work.")]
    private sealed class Slot
    {
        // One connect attempt's life. Exactly one side moves it out of InFlight, with a compare-exchange, and that side
        // owns the outcome: the completion (Completing: it may still touch the socket) or the sweep (Aborted: it has
        // disposed the socket, and the completion only reports Filtered without touching it).
        private const int Idle = 0;
        private const int InFlight = 1;
        private const int Completing = 2;
        private const int Aborted = 3;

        private readonly ConnectSlots _owner;
        private readonly SocketAsyncEventArgs _args = new();
        private readonly object _gate = new();
        private Socket? _socket;
        private ScanProbe _item;
        private long _started;
        private int _state;
        private int _retries;
        private int _finished;

        public Slot(ConnectSlots owner)
        {
            _owner = owner;
            _args.Completed += (_, _) =>
            {
                // Runs on an I/O thread: nothing may escape it.
                if (Guard(Complete)) Next();
                else Finish();
            };
        }

        // Thread-pool entry points (first run, the Completed callback, the resume after the queue ran dry).
        public void Next()
        {
            if (!Guard(Run)) Finish();
        }

        private void Run()
        {
            while (true)
            {
                if (_owner.Stopping || !_owner._work.TryRead(out var item))
                {
                    if (!_owner.Stopping && !_owner._work.Completion.IsCompleted)
                    {
                        // The queue is empty for now (a name is still resolving): resume when the producer adds more.
                        _ = _owner._work.WaitToReadAsync(_owner._cancellation).AsTask().ContinueWith(
                            static (_, s) => ((Slot)s!).Next(), this, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                        return;
                    }
                    Finish();
                    return;
                }
                if (!Start(item)) return; // in flight: the Completed callback continues this slot
                Complete();
            }
        }

        private bool Guard(Action action)
        {
            try
            {
                action();
                return true;
            }
            catch (Exception ex)
            {
                _owner.Fail(ex);
                DisposeSocket();
                return false;
            }
        }

        private void Finish()
        {
            if (Interlocked.Exchange(ref _finished, 1) != 0) return;
            DisposeSocket();
            _args.Dispose();
            _owner.SlotFinished();
        }

        private void DisposeSocket()
        {
            lock (_gate)
            {
                _socket?.Dispose();
                _socket = null;
                _state = Idle;
            }
        }

        // Returns false when the connect is in flight.
        private bool Start(ScanProbe item)
        {
            Socket socket;
            try
            {
                socket = new Socket(item.Host.Target.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            }
            catch (SocketException ex)
            {
                // Out of descriptors (EMFILE): answered like a connect that failed with that error.
                lock (_gate)
                {
                    _socket = null;
                    _item = item;
                    _started = Stopwatch.GetTimestamp();
                    _state = InFlight;
                }
                _args.SocketError = ex.SocketErrorCode;
                return true;
            }
            lock (_gate)
            {
                _socket = socket;
                _item = item;
                _started = Stopwatch.GetTimestamp();
                _state = InFlight;
            }
            _args.RemoteEndPoint = new IPEndPoint(item.Host.Target.Address, item.Port);
            try
            {
                return !socket.ConnectAsync(_args);
            }
            catch (ObjectDisposedException)
            {
                // The sweep aborted it between creation and connect (it owns the outcome: Aborted).
                _args.SocketError = SocketError.OperationAborted;
                return true;
            }
            catch (SocketException ex)
            {
                _args.SocketError = ex.SocketErrorCode;
                return true;
            }
        }

        private void Complete()
        {
            var aborted = Interlocked.CompareExchange(ref _state, Completing, InFlight) != InFlight;
            var error = aborted ? SocketError.TimedOut : _args.SocketError;
            var latency = Stopwatch.GetElapsedTime(_started).TotalMilliseconds;
            // From here on the socket is ours alone (Completing), or already disposed by the sweep (Aborted).
            var socket = aborted ? null : _socket;
            if (error is SocketError.AddressNotAvailable or SocketError.NoBufferSpaceAvailable or SocketError.TooManyOpenSockets && _retries < 50)
            {
                // Out of ephemeral ports or descriptors: our limit, not the target's answer. Breathe, then try the same probe again.
                DisposeSocket();
                if (_retries == 0) _owner._onLimit?.Invoke(error);
                _retries++;
                Thread.Sleep(Math.Min(50, _retries * 2));
                if (Start(_item)) Complete();
                return;
            }
            _retries = 0;
            var state = error switch
            {
                SocketError.Success => socket is null || IsSelfConnect(socket) ? PortState.Closed : PortState.Open,
                SocketError.ConnectionRefused => PortState.Closed,
                _ => PortState.Filtered,
            };
            // A reset instead of FIN: no TIME_WAIT per open port, so full scans can run back to back.
            if (state == PortState.Open) socket!.LingerState = new LingerOption(true, 0);
            DisposeSocket();
            if (_owner._cancellation.IsCancellationRequested) return;
            _owner._report(_item, state, aborted ? _owner._timeoutTicks * 1000.0 / Stopwatch.Frequency : latency);
        }

        public void AbortIfExpired(long now, bool stopping)
        {
            lock (_gate)
            {
                // Under the gate, so the socket disposed is the one of the attempt whose state was won here.
                if (Volatile.Read(ref _state) != InFlight) return;
                if (!stopping && now - _started <= _owner._timeoutTicks) return;
                if (Interlocked.CompareExchange(ref _state, Aborted, InFlight) != InFlight) return;
                // Closing the socket completes the pending connect with OperationAborted.
                _socket?.Dispose();
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
        }
    }
}
