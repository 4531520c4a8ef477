using System.Management.Automation;
using PSNetTools.Servers;

namespace PSNetTools.Commands.Servers;

/// <summary>
/// The middle of a route's pipeline, handler | this | ConvertTo-Json (never exported): keeps a lone string or byte
/// array (and no output) out of ConvertTo-Json for the caller to send as it is, and passes anything else on only when
/// its JSON fits the response limit, so ConvertTo-Json never starts on an answer that would not be sent. Measured per
/// request (wrk, CPU time of the server process): a C# stage costs next to nothing, while a script function doing the
/// same, a second invocation or a nested pipeline for ConvertTo-Json each cost as much as the handler itself.
/// </summary>
[Cmdlet(VerbsCommon.Select, JsonOutput.GateNoun)]
internal sealed class AnswerGateCommand : PSCmdlet
{
    private readonly List<PSObject?> _items = [];

    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    // object, not JsonOutput.Answer: bound to the non-public type, the parameter cost about 0.2 ms per request.
    [Parameter(Mandatory = true)]
    public object State { get; set; } = null!;

    private JsonOutput.Answer Answer => (JsonOutput.Answer)State;

    protected override void ProcessRecord()
    {
        // A $null the handler wrote is part of the answer: alone it is the JSON null (Flask's jsonify(None)), in an array
        // an element; only no output at all is 204.
        _items.Add(InputObject);
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
            JsonOutput.Measure(_items.Count == 1 ? _items[0] : _items, Answer.Depth, Answer.MaxBytes, Answer.CancellationToken);
        }
        catch (HandlerLimitException ex)
        {
            Answer.Refused = ex;
            return;
        }
        catch (OperationCanceledException)
        {
            // The request is over (timeout or server stop); the caller reports that.
            return;
        }
        foreach (var item in _items) WriteObject(item);
    }
}
