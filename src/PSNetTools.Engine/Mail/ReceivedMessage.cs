using PSNetTools.Net;

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

    /// <summary>Null when the structure was not read: POP3 without bodies reads headers only (TOP).</summary>
    public bool? HasAttachments { get; init; }

    /// <summary>Null when the structure was not read (see <see cref="HasAttachments"/>).</summary>
    public int? AttachmentCount { get; init; }

    public string? TextBody { get; init; }

    public string? HtmlBody { get; init; }

    /// <summary>The attachments' file names (joined with "; " in a CSV).</summary>
    public IReadOnlyList<string> AttachmentNames { get => _attachmentNames; init => _attachmentNames = ReadableList.From(value); }

    /// <summary>Full paths of the attachments written under the query's AttachmentPath (joined with "; " in a CSV).</summary>
    public IReadOnlyList<string> SavedAttachments { get => _savedAttachments; init => _savedAttachments = ReadableList.From(value); }

    private readonly ReadableList<string> _attachmentNames = ReadableList.Empty<string>();
    private readonly ReadableList<string> _savedAttachments = ReadableList.Empty<string>();
}
