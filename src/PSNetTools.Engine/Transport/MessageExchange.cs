using PSNetTools.Net;

namespace PSNetTools.Transport;

/// <summary>The rows of one target, and the failure that cut the conversation short, if any (rows before it still count).</summary>
public sealed record MessageExchange(IReadOnlyList<MessageReply> Replies, TargetFailure? Failure);
