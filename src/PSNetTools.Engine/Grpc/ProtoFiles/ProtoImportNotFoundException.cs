using PSNetTools.Net;

namespace PSNetTools.Grpc.ProtoFiles;

/// <summary>
/// A .proto file, or a file one imports, is in none of the import paths (or not in the descriptor set). Still a
/// FileNotFoundException for callers that catch that; its id, ProtoImportNotFound, lets the cmdlet layer say which
/// parameter adds the missing directory.
/// </summary>
public sealed class ProtoImportNotFoundException : FileNotFoundException, IHasTargetFailure
{
    public const string ErrorId = "ProtoImportNotFound";

    public ProtoImportNotFoundException()
        : this("The imported file was not found.", null)
    {
    }

    public ProtoImportNotFoundException(string message)
        : this(message, null)
    {
    }

    public ProtoImportNotFoundException(string message, Exception? innerException)
        : this(message, null, innerException)
    {
    }

    public ProtoImportNotFoundException(string message, string? fileName, Exception? innerException = null)
        : base(message, fileName, innerException)
    {
        Failure = new TargetFailure(fileName ?? "", ErrorId, FailureKind.InvalidTarget, message, this);
    }

    public TargetFailure Failure { get; }
}
