namespace PSNetTools.Engine.XmlRpc;

/// <summary>An XML-RPC fault: the server ran the call and answered with an error code and text.</summary>
public sealed class XmlRpcFaultException : Exception
{
    public XmlRpcFaultException()
    {
    }

    public XmlRpcFaultException(string message)
        : base(message)
    {
    }

    public XmlRpcFaultException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public XmlRpcFaultException(int faultCode, string faultString)
        : base($"XML-RPC fault {faultCode}: {faultString}")
    {
        FaultCode = faultCode;
        FaultString = faultString;
    }

    public int FaultCode { get; }

    public string FaultString { get; } = "";
}
