namespace PSNetTools.Mail;

/// <summary>A message the SMTP server accepted.</summary>
public sealed record SentMail
{
    public required string MessageId { get; init; }

    public required string From { get; init; }

    /// <summary>Every envelope recipient (To, Cc and Bcc), comma-separated.</summary>
    public required string To { get; init; }

    public required string Subject { get; init; }

    public required string SmtpServer { get; init; }

    public required int Port { get; init; }

    /// <summary>What the connection actually used: None, StartTls or SslOnConnect (a MailSecurity name, as text so that JSON writes the word).</summary>
    public required string Security { get; init; }

    /// <summary>The size of the message as sent (headers and encoded body).</summary>
    public required long SizeBytes { get; init; }

    /// <summary>The server's final answer to the message, e.g. "OK queued as 1234".</summary>
    public required string ServerResponse { get; init; }

    /// <summary>Local time the server accepted the message.</summary>
    public required DateTime SentAt { get; init; }

    public required double DurationMs { get; init; }

    public int RecipientCount { get; init; }

    public int AttachmentCount { get; init; }
}
