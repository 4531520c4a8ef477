using System.Globalization;
using PSNetTools.Net;

namespace PSNetTools.XmlRpc;

/// <summary>An XML-RPC fault: the server ran the call and answered with an error code and text.</summary>
public sealed class XmlRpcFaultException : TargetFailureException
{
    public const string ErrorId = "XmlRpcFault";

    public XmlRpcFaultException()
        : this(0, "")
    {
    }

    public XmlRpcFaultException(string message)
        : base(new TargetFailure("", ErrorId, FailureKind.ServerFault, message))
    {
        FaultString = message;
    }

    public XmlRpcFaultException(string message, Exception innerException)
        : base(new TargetFailure("", ErrorId, FailureKind.ServerFault, message, innerException))
    {
        FaultString = message;
    }

    public XmlRpcFaultException(int faultCode, string faultString, string method = "")
        : base(new TargetFailure(method, ErrorId, FailureKind.ServerFault,
            string.Create(CultureInfo.InvariantCulture, $"{(method.Length > 0 ? method + ": " : "")}XML-RPC fault {faultCode}: {faultString}")))
    {
        FaultCode = faultCode;
        FaultString = faultString;
    }

    public int FaultCode { get; }

    public string FaultString { get; } = "";
}
