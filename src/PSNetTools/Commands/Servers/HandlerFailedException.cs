namespace PSNetTools.Commands.Servers;

/// <summary>
/// A scriptblock handler failed: it threw, or wrote an error record (Write-Error, or a .NET method exception that
/// PowerShell turned into a non-terminating error). The message is the first error's message, never a stack trace:
/// the HTTP server logs it and answers a generic 500; the XML-RPC server sends it as the fault string.
/// </summary>
internal sealed class HandlerFailedException : Exception
{
    public HandlerFailedException()
    {
    }

    public HandlerFailedException(string message)
        : base(message)
    {
    }

    public HandlerFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
