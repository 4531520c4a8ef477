namespace PSNetTools.Net;

/// <summary>
/// A URL whose host looks like an IPv4 address but is not one (256.0.0.1): refused before any connection, so the
/// resolver never sends it to DNS as a name. An HttpRequestException, as every other failure of an HTTP request is.
/// </summary>
public sealed class NotAnAddressException : HttpRequestException, IHasTargetFailure
{
    public NotAnAddressException()
        : this("", "the host is not a valid address.")
    {
    }

    public NotAnAddressException(string message)
        : this("", message)
    {
    }

    public NotAnAddressException(string message, Exception inner)
        : base(message, inner) => Failure = new TargetFailure("", ErrorIds.InvalidTarget, FailureKind.InvalidTarget, message, this);

    public NotAnAddressException(string target, string message)
        : base(message) => Failure = new TargetFailure(target, ErrorIds.InvalidTarget, FailureKind.InvalidTarget, message, this);

    public TargetFailure Failure { get; }

    /// <exception cref="NotAnAddressException">The host of <paramref name="uri"/> looks like an IPv4 address and is not one.</exception>
    public static void ThrowIfNotAnAddress(Uri uri)
    {
        if (TargetSpec.NotAnAddress(uri) is { } why) throw new NotAnAddressException(uri.OriginalString, $"{uri.OriginalString}: the host {why}");
    }
}
