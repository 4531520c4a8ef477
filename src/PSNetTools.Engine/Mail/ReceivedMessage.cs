namespace PSNetTools.Mail;

/// <summary>A message read over IMAP or POP3. Flat scalar properties first; bodies and saved paths only when asked for.</summary>
public sealed record ReceivedMessage
{
    /// <summary>IMAP or POP3.</summary>
    public required string Protocol { get; init; }

    /// <summary>The IMAP folder (POP3: INBOX, the only one there is).</summary>
    public required string Folder { get; init; }

    /// <summary>IMAP UID; for POP3 the message number in this session.</summary>
    public required long Uid { get; init; }

    /// <summary>POP3 UIDL (stable across sessions); empty for IMAP.</summary>
    public string PopUid { get; init; } = "";

    public string MessageId { get; init; } = "";

    /// <summary>The Date header in local time (the arrival time when the header is missing).</summary>
    public DateTime? Date { get; init; }

    public string From { get; init; } = "";

    public string To { get; init; } = "";

    public string Cc { get; init; } = "";

    public string Subject { get; init; } = "";

    public long SizeBytes { get; init; }

    /// <summary>IMAP \Seen flag; POP3 has no flags (false).</summary>
    public bool IsRead { get; init; }

    public bool HasAttachments { get; init; }

    public int AttachmentCount { get; init; }

    public string? TextBody { get; init; }

    public string? HtmlBody { get; init; }

    public IReadOnlyList<string> AttachmentNames { get; init; } = [];

    /// <summary>Full paths of the attachments written under the query's AttachmentPath.</summary>
    public IReadOnlyList<string> SavedAttachments { get; init; } = [];
}
