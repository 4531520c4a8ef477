using System.Collections;
using System.Collections.Specialized;

namespace PSNetTools.Http;

/// <summary>What a route handler receives (as $Request in Start-HttpServer).</summary>
public sealed class RouteRequest
{
    public required string Method { get; init; }

    public required string Path { get; init; }

    /// <summary>
    /// The first value of each query name, in the order the names came, as Flask's request.args.get gives it ("?param=a&amp;param=b": 'a'); a missing
    /// name gives null. Names are case-sensitive, as in Flask: "?Param=a&amp;param=b" holds two names.
    /// </summary>
    public OrderedDictionary Query { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Every value of each query name, in order, as a string array (Flask's request.args.getlist).</summary>
    public OrderedDictionary QueryValues { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Path placeholder values: {id} in "GET /users/{id}" is RouteValues['id'].</summary>
    public Hashtable RouteValues { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public Hashtable Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The body parsed from JSON (objects, arrays, values) or a form (name = value); null when empty.</summary>
    public object? Body { get; set; }

    /// <summary>The body as text.</summary>
    public string RawBody { get; init; } = "";

    public string ContentType { get; init; } = "";

    public string RemoteEndPoint { get; init; } = "";

    /// <summary>Set StatusCode, ContentType and Headers here to shape the answer.</summary>
    public RouteResponse Response { get; } = new();
}

/// <summary>The parts of the answer a handler may set; the body is what the handler returns.</summary>
public sealed class RouteResponse
{
    public int StatusCode { get; set; } = 200;

    /// <summary>Overrides the type chosen from the returned value (text/plain for strings, application/json otherwise).</summary>
    public string? ContentType { get; set; }

    public Hashtable Headers { get; } = new(StringComparer.OrdinalIgnoreCase);
}
