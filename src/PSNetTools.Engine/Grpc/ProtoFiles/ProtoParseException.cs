using PSNetTools.Net;

namespace PSNetTools.Grpc.ProtoFiles;

/// <summary>A .proto file that cannot be parsed or whose names do not resolve. The message starts with file:line:col, like protoc's.</summary>
public sealed class ProtoParseException : FormatException, IHasTargetFailure
{
    public ProtoParseException()
    {
    }

    public ProtoParseException(string message)
        : base(message)
    {
    }

    public ProtoParseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ProtoParseException(string fileName, int line, int column, string what)
        : base($"{fileName}:{line}:{column}: {what}")
    {
        FileName = fileName;
        Line = line;
        Column = column;
    }

    public string? FileName { get; }

    public TargetFailure Failure => new(FileName ?? "", "InvalidProtoFile", FailureKind.InvalidTarget, Message, this);

    public int Line { get; }

    public int Column { get; }
}
