namespace PSNetTools.Mail;

/// <summary>One message to send, as the user described it (addresses as typed; validated by <see cref="SmtpMailer.Prepare"/>).</summary>
public sealed record OutgoingMail
{
    public required string From { get; init; }

    public IReadOnlyList<string> To { get; init; } = [];

    public IReadOnlyList<string> Cc { get; init; } = [];

    public IReadOnlyList<string> Bcc { get; init; } = [];

    public IReadOnlyList<string> ReplyTo { get; init; } = [];

    public string Subject { get; init; } = "";

    public string Body { get; init; } = "";

    public bool BodyAsHtml { get; init; }

    /// <summary>Full paths of files to attach; they are streamed from disk while sending, not loaded into memory.</summary>
    public IReadOnlyList<string> Attachments { get; init; } = [];

    public MailPriority Priority { get; init; } = MailPriority.Normal;

    /// <summary>Extra headers (name → value).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
}
