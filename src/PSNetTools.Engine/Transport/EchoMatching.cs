namespace PSNetTools.Transport;

internal static class EchoMatching
{
    /// <summary>A reply matches when it is the message, or ends with it: the seed's servers answer "服务器已收到: " + message.</summary>
    public static bool Matches(ReadOnlySpan<byte> reply, ReadOnlySpan<byte> message) => reply.EndsWith(message);
}
