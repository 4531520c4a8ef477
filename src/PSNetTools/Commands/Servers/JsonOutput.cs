using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;
using System.Text.Json;
using PSNetTools.Servers;

namespace PSNetTools.Commands.Servers;

/// <summary>
/// What Start-HttpServer sends for a handler's output, and how request bodies become PowerShell objects. The answer is
/// what ConvertTo-Json -Compress -EnumsAsStrings gives in the handler's runspace, so a route answers exactly what its
/// author sees at the prompt; JSON objects in requests become PSCustomObjects (as ConvertFrom-Json makes them).
/// ConvertTo-Json has no size limit and rich .NET objects are graphs (a FileInfo reaches System.Type, its assembly,
/// every type in it...: a gigabyte of JSON at depth 4), so a bounded walk measures the answer first, to the same
/// depth, stopping at <see cref="DefaultMaxBytes"/> and at the request's cancellation; only an answer within the
/// limit is handed to ConvertTo-Json, which stops with the pipeline when the request is cancelled.
/// </summary>
internal static class JsonOutput
{
    /// <summary>ConvertTo-Json's -Depth for answers; ConvertTo-Json's own default, 2, cuts off ordinary API answers.</summary>
    public const int DefaultDepth = 4;

    /// <summary>Bytes of response body a handler may produce.</summary>
    public const long DefaultMaxBytes = 16L * 1024 * 1024;

    /// <summary>The noun of <see cref="AnswerGateCommand"/>, a command of the handler runspaces.</summary>
    public const string GateNoun = "PSNetToolsAnswer";

    // Pending output is moved to the stream in chunks of this size, so that the size check sees it early.
    private const int FlushBytes = 64 * 1024;

    // The pipeline's commands as CmdletInfo, resolved once instead of looked up by name in every request. Without the
    // Utility module loaded (a host that is not pwsh) the name is looked up, and its absence is the handler's error.
    private static readonly CmdletInfo Gate = new($"{VerbsCommon.Select}-{GateNoun}", typeof(AnswerGateCommand));

    private static readonly CmdletInfo? ConvertToJson =
        Type.GetType("Microsoft.PowerShell.Commands.ConvertToJsonCommand, Microsoft.PowerShell.Commands.Utility") is { } type ? new("ConvertTo-Json", type) : null;

    /// <summary>What the gate of one request found: a raw answer, or the limit the JSON would pass.</summary>
    internal sealed class Answer(int depth, long maxBytes, CancellationToken cancellationToken)
    {
        public int Depth { get; } = depth;

        public long MaxBytes { get; } = maxBytes;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public object? Raw { get; set; }

        public HandlerLimitException? Refused { get; set; }
    }

    /// <summary>
    /// Runs handler | gate | ConvertTo-Json -Compress -EnumsAsStrings -Depth in one of the pool's runspaces, as one
    /// pipeline: its raw answer (a string or a byte array, or null for no output) or the UTF-8 JSON of its output.
    /// </summary>
    public static async Task<(object? Raw, byte[]? Json)> InvokeAsync(RunspacePool pool, string function, object request, int depth, long maxBytes, CancellationToken cancellationToken)
    {
        var answer = new Answer(depth, maxBytes, cancellationToken);
        List<PSObject> output;
        try
        {
            output = await ServerCommands.InvokeHandlerAsync(pool, function, [request], cancellationToken,
                then: ps => AddConvertToJson(ps.AddCommand(Gate).AddParameter(nameof(AnswerGateCommand.State), answer), depth)).ConfigureAwait(false);
        }
        catch (HandlerFailedException) when (answer.Refused is not null)
        {
            // The gate stopped the pipeline at the limit: the limit is the answer, not the stop.
            throw answer.Refused;
        }
        if (answer.Refused is not null) throw answer.Refused;
        if (output.Count == 0) return (answer.Raw, null);
        var text = output[0].BaseObject.ToString() ?? "null";
        if (Encoding.UTF8.GetMaxByteCount(text.Length) > maxBytes && Encoding.UTF8.GetByteCount(text) > maxBytes) throw TooLarge(maxBytes);
        return (null, Encoding.UTF8.GetBytes(text));
    }

    /// <summary>What a route's answer goes through, for a runspace to run once before its first request: a small hashtable through the gate and ConvertTo-Json.</summary>
    public static void AddWarmUp(PowerShell ps)
    {
        ArgumentNullException.ThrowIfNull(ps);
        ps.AddScript("@{ warm = 1; list = @(1, 'a') }");
        AddConvertToJson(ps.AddCommand(Gate).AddParameter(nameof(AnswerGateCommand.State), new Answer(4, DefaultMaxBytes, CancellationToken.None)), 4);
    }

    /// <summary>ConvertTo-Json -Compress -EnumsAsStrings -Depth <paramref name="depth"/>, added to the pipeline.</summary>
    private static PowerShell AddConvertToJson(PowerShell ps, int depth) =>
        (ConvertToJson is null ? ps.AddCommand("ConvertTo-Json") : ps.AddCommand(ConvertToJson))
            .AddParameter("Depth", depth).AddParameter("Compress").AddParameter("EnumsAsStrings").AddParameter("WarningAction", ActionPreference.Ignore);

    /// <summary>
    /// The bytes of the value's JSON, ConvertTo-Json -Depth levels deep, as the whole answer or as an element of the
    /// answer's array; throws <see cref="TooLarge"/> as soon as they pass maxBytes.
    /// </summary>
    public static long Measure(object? value, int depth, bool inArray, long maxBytes, CancellationToken cancellationToken)
    {
        using var writer = new Utf8JsonWriter(Stream.Null, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        // ConvertTo-Json -Depth N writes N + 1 levels of containers (-Depth 0 still opens the outermost object).
        new Walk(writer, depth + 1, maxBytes, cancellationToken).Write(value, inArray ? 1 : 0);
        writer.Flush();
        CheckSize(writer.BytesCommitted, maxBytes);
        return writer.BytesCommitted;
    }

    /// <summary>Throws <see cref="TooLarge"/> when bytes pass maxBytes.</summary>
    public static void CheckSize(long bytes, long maxBytes)
    {
        if (bytes > maxBytes) throw TooLarge(maxBytes);
    }

    /// <summary>The limit's own words, for the client's 500 and the server's log alike.</summary>
    public static HandlerLimitException TooLarge(long maxBytes) => new($"the response is larger than {maxBytes:N0} bytes (MaxResponseBytes).");

    private sealed class Walk(Utf8JsonWriter w, int maxDepth, long maxBytes, CancellationToken cancellationToken)
    {
        public void Write(object? value, int depth)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (w.BytesPending > FlushBytes) w.Flush();
            CheckSize(w.BytesCommitted + w.BytesPending, maxBytes);
            WriteValue(value, depth);
        }

        private void WriteValue(object? value, int depth)
        {
            if (value is PSObject ps) value = ps.BaseObject is PSCustomObject ? ps : ps.BaseObject;
            switch (value)
            {
                case null:
                    w.WriteNullValue();
                    return;
                case string s:
                    w.WriteStringValue(s);
                    return;
                case char c:
                    w.WriteStringValue(c.ToString());
                    return;
                case bool b:
                    w.WriteBooleanValue(b);
                    return;
                case Enum e:
                    w.WriteStringValue(e.ToString());
                    return;
                case DateTime d:
                    w.WriteStringValue(d.ToString("O", CultureInfo.InvariantCulture));
                    return;
                case DateTimeOffset o:
                    w.WriteStringValue(o.ToString("O", CultureInfo.InvariantCulture));
                    return;
                case Guid or Uri or TimeSpan or Version or System.Net.IPAddress:
                    w.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                    return;
                case byte or sbyte or short or ushort or int or uint or long or ulong:
                    w.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                    return;
                case float or double or decimal:
                    var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                    if (double.IsFinite(number)) w.WriteNumberValue(number);
                    else w.WriteStringValue(number.ToString(CultureInfo.InvariantCulture));
                    return;
            }
            if (depth >= maxDepth)
            {
                w.WriteStringValue(value.ToString());
                return;
            }
            switch (value)
            {
                case IDictionary dictionary:
                    w.WriteStartObject();
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        w.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "");
                        Write(entry.Value, depth + 1);
                    }
                    w.WriteEndObject();
                    return;
                case PSObject custom:
                    w.WriteStartObject();
                    foreach (var p in custom.Properties)
                    {
                        w.WritePropertyName(p.Name);
                        Write(p.Value, depth + 1);
                    }
                    w.WriteEndObject();
                    return;
                case IEnumerable items:
                    w.WriteStartArray();
                    foreach (var item in items) Write(item, depth + 1);
                    w.WriteEndArray();
                    return;
            }
            // Any other .NET object: its public properties, which ConvertTo-Json writes too.
            w.WriteStartObject();
            foreach (var p in PSObject.AsPSObject(value).Properties.Where(p => p.IsGettable && p.MemberType is PSMemberTypes.Property or PSMemberTypes.NoteProperty))
            {
                object? v;
                try
                {
                    v = p.Value;
                }
                catch (GetValueException)
                {
                    continue;
                }
                w.WritePropertyName(p.Name);
                Write(v, depth + 1);
            }
            w.WriteEndObject();
        }
    }

    /// <summary>Engine JSON values (ordered dictionaries, lists) as PowerShell objects.</summary>
    public static object? ToPowerShell(object? value) => value switch
    {
        System.Collections.Specialized.OrderedDictionary map => ToCustomObject(map),
        IList list and not Array => list.Cast<object?>().Select(ToPowerShell).ToArray(),
        _ => value,
    };

    private static PSObject ToCustomObject(System.Collections.Specialized.OrderedDictionary map)
    {
        var result = new PSObject();
        foreach (DictionaryEntry entry in map) result.Properties.Add(new PSNoteProperty((string)entry.Key, ToPowerShell(entry.Value)));
        return result;
    }
}
