using System.Management.Automation;

namespace PSNetTools.Commands.Servers;

/// <summary>What Start-HttpServer -Route and Start-XmlRpcServer -Method accept as a handler.</summary>
internal static class Handlers
{
    /// <summary>
    /// A scriptblock, or a string holding one: scriptblocks passed through Start-Job, Invoke-Command or any other
    /// serialization arrive as their text, and are parsed here as [scriptblock]::Create would. Anything else, or a
    /// string that does not parse, is a terminating error naming the entry.
    /// </summary>
    public static ScriptBlock ToScriptBlock(PSCmdlet cmdlet, object? value, string key, string what, string errorId, string example)
    {
        if (value is PSObject wrapped) value = wrapped.BaseObject;
        switch (value)
        {
            case ScriptBlock script:
                return script;
            case string text:
                try
                {
                    return ScriptBlock.Create(text);
                }
                catch (ParseException ex)
                {
                    cmdlet.ThrowTerminatingError(new ErrorRecord(new ArgumentException($"The {what} '{key}' is a string that is not a valid scriptblock: {ex.Message}", ex),
                        "HandlerNotParsable", ErrorCategory.InvalidArgument, key));
                    return null!;
                }
            default:
                cmdlet.ThrowTerminatingError(new ErrorRecord(new ArgumentException($"The value of {what} '{key}' must be a scriptblock (or its text), e.g. {example}."),
                    errorId, ErrorCategory.InvalidArgument, key));
                return null!;
        }
    }
}
