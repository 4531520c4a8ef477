namespace PSNetTools.Http.Hosting;

/// <summary>
/// The client reset, closed or stopped taking data: the request ends quietly. Other IOExceptions inside a handler
/// (a file that vanished) are the server's failures and are answered 500.
/// </summary>
public sealed class ClientGoneException : IOException
{
    public ClientGoneException()
    {
    }

    public ClientGoneException(string message)
        : base(message)
    {
    }

    public ClientGoneException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
