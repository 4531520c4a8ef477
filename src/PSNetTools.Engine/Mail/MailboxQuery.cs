namespace PSNetTools.Mail;

/// <summary>Which messages to read and what to do with them.</summary>
public sealed record MailboxQuery
{
    public string Folder { get; init; } = "INBOX";

    /// <summary>Oldest N of the matches (output oldest first).</summary>
    public int? First { get; init; }

    /// <summary>Newest N of the matches (output newest first). Neither First nor Last: all matches, newest first.</summary>
    public int? Last { get; init; }

    public bool UnreadOnly { get; init; }

    public DateTime? Since { get; init; }

    public DateTime? Before { get; init; }

    public string? From { get; init; }

    public string? To { get; init; }

    public string? Subject { get; init; }

    public string? BodyContains { get; init; }

    public IReadOnlyList<long> Uids { get; init; } = [];

    public bool IncludeBody { get; init; }

    /// <summary>Do not set \Seen on messages whose content is fetched (default).</summary>
    public bool Peek { get; init; } = true;

    /// <summary>Save attachments under this directory (created if missing).</summary>
    public string? AttachmentPath { get; init; }

    /// <summary>Overwrite existing files under <see cref="AttachmentPath"/> instead of picking a unique name.</summary>
    public bool Force { get; init; }
}
