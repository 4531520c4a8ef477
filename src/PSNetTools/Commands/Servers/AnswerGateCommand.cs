using System.Management.Automation;
using PSNetTools.Servers;

namespace PSNetTools.Commands.Servers;

/// <summary>
/// The middle of a route's pipeline, handler | this | ConvertTo-Json (never exported): keeps a lone string or byte
/// array (and no output) out of ConvertTo-Json for the caller to send as it is, and passes anything else on only when
/// its JSON fits the response limit, so ConvertTo-Json never starts on an answer that would not be sent. The size is
/// counted as the items arrive and the pipeline stopped at the limit or when the request is cancelled. Measured per
/// request (wrk, CPU time of the server process): a C# stage costs next to nothing, while a script function doing the
/// same, a second invocation or a nested pipeline for ConvertTo-Json each cost as much as the handler itself.
/// </summary>
[Cmdlet(VerbsCommon.Select, JsonOutput.GateNoun)]
internal sealed class AnswerGateCommand : PSCmdlet
{
    private readonly List<PSObject?> _items = [];

    // JSON bytes of the items so far with the commas between them (a lone string or byte array by its raw size: it is
    // sent as it is).
    private long _bytes;

    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    // object, not JsonOutput.Answer: bound to the non-public type, the parameter cost about 0.2 ms per request.
    [Parameter(Mandatory = true)]
    public object State { get; set; } = null!;

    private JsonOutput.Answer Answer => (JsonOutput.Answer)State;

    protected override void ProcessRecord()
    {
        // PowerShell checks for a stop between commands, not between the items of an expression ({ 1..1e9 } ran on after
        // its timeout and after Stop-NetServer, holding every item): this stage stops the pipeline for it.
        if (Stopping || Answer.CancellationToken.IsCancellationRequested) throw new PipelineStoppedException();
        // A $null the handler wrote is part of the answer: alone it is the JSON null (Flask's jsonify(None)), in an array
        // an element; only no output at all is 204.
        _items.Add(InputObject);
        try
        {
            // Counted as the items arrive, so an endless output is refused at the limit instead of held until the timeout.
            if (_items.Count == 1)
            {
                _bytes = InputObject?.BaseObject is string or byte[] ? RawSize(InputObject.BaseObject) : Size(InputObject, inArray: false);
            }
            else
            {
                // The first item is an element of an array now, one level deeper, and certainly JSON.
                if (_items.Count == 2)
                {
                    _bytes = 0;
                    _bytes = Size(_items[0], inArray: true);
                }
                _bytes++;
                _bytes += Size(InputObject, inArray: true);
            }
            JsonOutput.CheckSize(_bytes, Answer.MaxBytes);
        }
        catch (HandlerLimitException ex)
        {
            Answer.Refused = ex;
            throw new PipelineStoppedException();
        }
    }

    protected override void EndProcessing()
    {
        if (_items.Count == 0) return;
        if (_items.Count == 1 && _items[0]?.BaseObject is string or byte[])
        {
            Answer.Raw = _items[0]!.BaseObject;
            return;
        }
        try
        {
            // The brackets; the commas were counted with the items.
            JsonOutput.CheckSize(_items.Count > 1 ? _bytes + 2 : _bytes, Answer.MaxBytes);
        }
        catch (HandlerLimitException ex)
        {
            Answer.Refused = ex;
            return;
        }
        foreach (var item in _items) WriteObject(item);
    }

    private long Size(object? item, bool inArray)
    {
        try
        {
            return JsonOutput.Measure(item, Answer.Depth, inArray, Answer.MaxBytes - _bytes, Answer.CancellationToken);
        }
        catch (HandlerLimitException)
        {
            // Measured against what is left of the limit; the message names the limit itself.
            throw JsonOutput.TooLarge(Answer.MaxBytes);
        }
        catch (OperationCanceledException)
        {
            // The request is over (timeout or server stop); the caller reports that.
            throw new PipelineStoppedException();
        }
    }

    private static long RawSize(object raw) => raw is byte[] bytes ? bytes.Length : System.Text.Encoding.UTF8.GetByteCount((string)raw);
}
