using PSNetTools.Net;

namespace PSNetTools.Grpc.Codec;

/// <summary>A request body that does not fit the message type: names the field (as a path) so the user can fix it.</summary>
public sealed class ProtoValueException : ArgumentException, IHasTargetFailure
{
    public ProtoValueException(string fieldPath, string message)
        : base($"{fieldPath}: {message}")
    {
        FieldPath = fieldPath;
    }

    public ProtoValueException()
    {
        FieldPath = "";
    }

    public ProtoValueException(string message)
        : base(message)
    {
        FieldPath = "";
    }

    public ProtoValueException(string message, Exception innerException)
        : base(message, innerException)
    {
        FieldPath = "";
    }

    public string FieldPath { get; }

    public TargetFailure Failure => new("", "InvalidBody", FailureKind.InvalidTarget, FailureText.Clean(Message), this);
}
