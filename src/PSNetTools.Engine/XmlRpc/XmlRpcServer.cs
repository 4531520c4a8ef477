using System.Globalization;
using System.Net;
using PSNetTools.Http.Hosting;
using PSNetTools.Net;
using PSNetTools.Servers;

namespace PSNetTools.XmlRpc;

public sealed record XmlRpcServerOptions
{
    /// <summary>Method names and a one-line help each (system.methodHelp).</summary>
    public required IReadOnlyDictionary<string, string> Methods { get; init; }

    /// <summary>Runs a method; a throw becomes a fault with the exception's message.</summary>
    public required Func<string, object?[], CancellationToken, Task<object?>> Dispatch { get; init; }

    public IPAddress Address { get; init; } = IPAddress.Loopback;

    public int Port { get; init; } = 8000;

    /// <summary>The URL paths that answer; Python's SimpleXMLRPCServer answers both of the defaults, and its clients
    /// (ServerProxy('http://host:8000/')) post to /.</summary>
    public IReadOnlyList<string> Paths { get; init; } = ["/RPC2", "/"];

    public string? Name { get; init; }

    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public long MaximumBodyBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>Connection, header and body limits (MaxBodyBytes is taken from <see cref="MaximumBodyBytes"/>); null: the defaults.</summary>
    public HttpServerLimits? Limits { get; init; }
}

/// <summary>
/// Start-XmlRpcServer: POST methodCall to one of Paths, answered by the dispatcher; system.listMethods,
/// system.methodHelp, system.methodSignature and system.multicall are built in. Malformed XML, DTDs, oversized bodies, unknown methods and handler errors all come
/// back as faults; the server itself never fails on a request.
/// </summary>
public sealed class XmlRpcServer : SocketHttpServer
{
    private readonly XmlRpcServerOptions _options;

    public XmlRpcServer(XmlRpcServerOptions options)
        : base("XmlRpc", options?.Name, options?.Address ?? IPAddress.Loopback, options?.Port ?? 0, options?.Limits, options?.MaximumBodyBytes)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>The paths that answer, comma-separated (a scalar, so the server object exports as one row).</summary>
    public string Path => string.Join(", ", _options.Paths);

    public string Methods => string.Join(", ", _options.Methods.Keys.Order(StringComparer.Ordinal));

    /// <exception cref="ServerStartException">The port is in use or the address is not on this machine.</exception>
    public static async Task<XmlRpcServer> StartAsync(XmlRpcServerOptions options, CancellationToken cancellationToken = default)
    {
        var server = new XmlRpcServer(options);
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    protected override async Task ServeAsync(HttpServerContext context, CancellationToken stopping)
    {
        var request = context.Request;
        var response = context.Response;
        var method = "";
        try
        {
            if (!_options.Paths.Any(p => string.Equals(request.Path.TrimEnd('/'), p.TrimEnd('/'), StringComparison.Ordinal)))
            {
                response.StatusCode = 404;
                return;
            }
            if (request.HttpMethod != "POST")
            {
                response.StatusCode = 405;
                response.SetHeader("Allow", "POST");
                return;
            }
            byte[] answer;
            using var body = new MemoryStream();
            try
            {
                await request.InputStream.CopyToAsync(body, stopping).ConfigureAwait(false);
                body.Position = 0;
                (method, answer) = await AnswerAsync(body, stopping).ConfigureAwait(false);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == 413)
            {
                // A fault rather than a bare 413, so XML-RPC clients show the reason; the unread rest closes the connection.
                answer = XmlRpcCodec.Fault(XmlRpcCodec.ParseError, ex.Message);
            }
            response.ContentType = "text/xml; charset=utf-8";
            response.ContentLength64 = answer.Length;
            await response.OutputStream.WriteAsync(answer, stopping).ConfigureAwait(false);
        }
        finally
        {
            if (method.Length > 0) context.LogNote = method;
        }
    }

    private async Task<(string Method, byte[] Answer)> AnswerAsync(Stream body, CancellationToken stopping)
    {
        string method;
        object?[] parameters;
        try
        {
            (method, parameters) = XmlRpcCodec.ReadCall(body, new XmlRpcReadLimits { MaxBytes = Math.Max(1, _options.MaximumBodyBytes) });
        }
        catch (FormatException ex)
        {
            return ("", XmlRpcCodec.Fault(XmlRpcCodec.ParseError, $"Parse error: {ex.Message}"));
        }
        object? result;
        try
        {
            result = await InvokeAsync(method, parameters, stopping).ConfigureAwait(false);
        }
        catch (XmlRpcFaultException fault)
        {
            return (method, XmlRpcCodec.Fault(fault.FaultCode, fault.FaultString));
        }
        try
        {
            return (method, XmlRpcCodec.Response(result));
        }
        catch (ArgumentException ex)
        {
            // XML 1.0 cannot carry some characters (NUL, most controls): the caller gets a fault saying so, not a broken answer.
            Log($"{method}: the result cannot be written as XML-RPC: {ex.Message}");
            return (method, XmlRpcCodec.Fault(XmlRpcCodec.ServerError, $"The result of {method} cannot be written as XML-RPC: {FailureText.Clean(ex.Message)}"));
        }
    }

    private async Task<object?> InvokeAsync(string method, object?[] parameters, CancellationToken stopping)
    {
        switch (method)
        {
            case "system.listMethods":
                return (object?[])[.. _options.Methods.Keys.Order(StringComparer.Ordinal), "system.listMethods", "system.methodHelp", "system.methodSignature", "system.multicall"];
            case "system.methodSignature":
                // Handlers are untyped scriptblocks; Python's SimpleXMLRPCServer answers this same string for its functions.
                return "signatures not supported";
            case "system.methodHelp":
                var name = parameters.Length == 1 ? parameters[0] as string : null;
                if (name is null || !_options.Methods.TryGetValue(name, out var help)) throw new XmlRpcFaultException(XmlRpcCodec.InvalidParams, "system.methodHelp takes the name of a method of this server.");
                return help;
            case "system.multicall":
                if (parameters.Length != 1 || parameters[0] is not object?[] calls) throw new XmlRpcFaultException(XmlRpcCodec.InvalidParams, "system.multicall takes one array of {methodName, params} structs.");
                var results = new List<object?>();
                foreach (var call in calls)
                {
                    try
                    {
                        if (call is not System.Collections.IDictionary c || c["methodName"] is not string m || m == "system.multicall") throw new XmlRpcFaultException(XmlRpcCodec.InvalidParams, "each call needs a methodName (and may not be system.multicall).");
                        results.Add(new object?[] { await InvokeAsync(m, c["params"] as object?[] ?? [], stopping).ConfigureAwait(false) });
                    }
                    catch (XmlRpcFaultException f)
                    {
                        results.Add(new Dictionary<string, object?> { ["faultCode"] = f.FaultCode, ["faultString"] = f.FaultString });
                    }
                }
                return results.ToArray();
        }
        if (!_options.Methods.ContainsKey(method)) throw new XmlRpcFaultException(XmlRpcCodec.MethodNotFound, $"Method '{method}' is not supported; system.listMethods lists the ones that are.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(_options.CallTimeout);
        try
        {
            return await _options.Dispatch(method, parameters, timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            Log($"{method}: the handler ran past {_options.CallTimeout.TotalSeconds:0.###} s and was stopped.");
            throw new XmlRpcFaultException(XmlRpcCodec.ServerError, $"{method} did not finish within {_options.CallTimeout.TotalSeconds:0.###} s (the server's call timeout).");
        }
        catch (XmlRpcFaultException fault) when (fault.FaultCode == 1)
        {
            // Fault 1 is the handler's own failure (a throw or an error record): the log has its message, as the HTTP
            // server's has a failed route's.
            Log($"{method}: the handler failed: {fault.FaultString}");
            throw;
        }
        catch (HandlerLimitException ex)
        {
            Log($"{method}: {ex.Message}");
            throw new XmlRpcFaultException(XmlRpcCodec.ServerError, ex.Message);
        }
        catch (Exception ex) when (ex is not XmlRpcFaultException and not OperationCanceledException)
        {
            // The method's own error message is the fault string, as Python's SimpleXMLRPCServer does.
            Log($"{method}: the handler failed: {ex.Message}");
            throw new XmlRpcFaultException(1, ex.Message);
        }
    }
}
