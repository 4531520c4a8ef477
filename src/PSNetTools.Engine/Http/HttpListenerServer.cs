using System.Collections.Concurrent;
using System.Net;
using PSNetTools.Engine.Servers;

namespace PSNetTools.Engine.Http;

/// <summary>
/// A NetServer on HttpListener (PowerShell ships no Kestrel): binds, accepts, runs each request on its own task,
/// and on stop closes the listener and waits for the requests in flight. Subclasses answer the requests.
/// </summary>
public abstract class HttpListenerServer : NetServer
{
    private readonly ConcurrentDictionary<Task, byte> _requests = new();
    private readonly IPAddress _bindAddress;
    private HttpListener? _listener;

    protected HttpListenerServer(string protocol, string? name, IPAddress address, int port)
        : base(protocol, name)
    {
        ArgumentNullException.ThrowIfNull(address);
        _bindAddress = address;
        Address = address.ToString();
        Port = port;
    }

    /// <summary>The base URL clients use.</summary>
    public override string Endpoint => $"http://{(Address.Contains(':', StringComparison.Ordinal) ? $"[{Address}]" : Address)}:{Port}/";

    /// <summary>Answers one request; the base closes the response afterwards whatever happens and keeps ActiveConnections.</summary>
    protected abstract Task ServeAsync(HttpListenerContext context, CancellationToken stopping);

    private async Task ServeTrackedAsync(HttpListenerContext context, CancellationToken stopping)
    {
        // Off the accept loop at once, so the next request is accepted while this one is served.
        await Task.Yield();
        CountActive(1);
        try
        {
            await ServeAsync(context, stopping).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                context.Response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException or IOException)
            {
                // The client is gone; nothing left to close.
            }
            CountActive(-1);
        }
    }

    protected override Task BindAsync(CancellationToken cancellationToken)
    {
        (_listener, Port) = HttpListenerBinding.Start(_bindAddress, Port);
        return Task.CompletedTask;
    }

    protected override async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener!.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                if (stopping.IsCancellationRequested) return;
                CountClientError();
                continue;
            }
            CountAccepted();
            var task = ServeTrackedAsync(context, stopping);
            _requests.TryAdd(task, 0);
            _ = task.ContinueWith(t => _requests.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    protected override async Task CloseAsync()
    {
        HttpListenerBinding.Release(_listener);
        try
        {
            await Task.WhenAll(_requests.Keys).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }
}
