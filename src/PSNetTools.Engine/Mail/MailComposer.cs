using MimeKit;
using PSNetTools.Net;

namespace PSNetTools.Mail;

/// <summary>Validates what the user typed and builds the MIME message. Non-ASCII text is MimeKit's job (RFC 2047 headers, RFC 2231 file names).</summary>
internal static class MailComposer
{
    public static PreparedMail Compose(OutgoingMail mail)
    {
        ArgumentNullException.ThrowIfNull(mail);
        RefuseLineBreaks("Subject", mail.Subject);
        var message = new MimeMessage();
        message.From.AddRange(ParseAddresses("From", [mail.From], required: true));
        message.To.AddRange(ParseAddresses("To", mail.To, required: false));
        message.Cc.AddRange(ParseAddresses("Cc", mail.Cc, required: false));
        message.Bcc.AddRange(ParseAddresses("Bcc", mail.Bcc, required: false));
        message.ReplyTo.AddRange(ParseAddresses("ReplyTo", mail.ReplyTo, required: false));
        var recipients = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(message.Bcc.Mailboxes).Select(m => m.Address).ToList();
        if (recipients.Count == 0)
        {
            throw Invalid("", "MailNoRecipient", "The message has no recipient (To, Cc or Bcc).");
        }
        message.Subject = mail.Subject;
        message.Date = DateTimeOffset.Now;
        switch (mail.Priority)
        {
            case MailPriority.High:
                message.Priority = MessagePriority.Urgent;
                message.Importance = MessageImportance.High;
                message.XPriority = XMessagePriority.High;
                break;
            case MailPriority.Low:
                message.Priority = MessagePriority.NonUrgent;
                message.Importance = MessageImportance.Low;
                message.XPriority = XMessagePriority.Low;
                break;
        }
        foreach (var (name, value) in mail.Headers)
        {
            AddHeader(message, name, value);
        }

        var streams = new List<Stream>();
        try
        {
            var body = new TextPart(mail.BodyAsHtml ? "html" : "plain");
            body.SetText(System.Text.Encoding.UTF8, mail.Body ?? "");
            MimeEntity root = body;
            if (mail.Attachments.Count > 0)
            {
                var multipart = new Multipart("mixed") { body };
                foreach (var path in mail.Attachments)
                {
                    multipart.Add(Attachment(path, streams));
                }
                root = multipart;
            }
            message.Body = root;
            return new PreparedMail(message, streams, recipients, mail.Attachments.Count);
        }
        catch
        {
            foreach (var s in streams) s.Dispose();
            throw;
        }
    }

    private static MimePart Attachment(string path, List<Stream> streams)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Invalid(path, "MailAttachmentNotFound", $"The attachment '{path}' does not exist.", ex);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw Invalid(path, "MailAttachmentUnreadable", $"The attachment '{path}' cannot be read: {ex.Message}", ex);
        }
        streams.Add(stream);
        // MimeContent streams the file while the message is written: a 50 MB attachment is never held in memory.
        return new MimePart(MimeTypes.GetMimeType(path))
        {
            Content = new MimeContent(stream),
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = Path.GetFileName(path),
        };
    }

    private static void AddHeader(MimeMessage message, string name, string value)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(c => c <= ' ' || c >= 127 || c == ':'))
        {
            throw Invalid(name, "MailInvalidHeaderName", $"'{name}' is not a valid header name (printable ASCII without spaces or ':').");
        }
        RefuseLineBreaks($"header '{name}'", value);
        var reserved = new[] { "From", "To", "Cc", "Bcc", "Reply-To", "Subject", "Date", "Message-Id", "Content-Type", "Content-Transfer-Encoding", "MIME-Version" };
        if (reserved.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            throw Invalid(name, "MailReservedHeader", $"The header '{name}' is set by its own parameter (or by the message itself) and cannot be set as an extra header.");
        }
        message.Headers.Add(name, value ?? "");
    }

    private static List<MailboxAddress> ParseAddresses(string field, IReadOnlyList<string> values, bool required)
    {
        var result = new List<MailboxAddress>();
        foreach (var value in values)
        {
            if (string.IsNullOrWhiteSpace(value)) continue;
            RefuseLineBreaks(field + " address", value);
            if (!InternetAddressList.TryParse(value, out var list) || list.Count == 0)
            {
                throw Invalid(value, "MailInvalidAddress", $"'{value}' in -{field} is not a valid e-mail address.");
            }
            foreach (var address in list)
            {
                if (address is not MailboxAddress mailbox || !IsComplete(mailbox.Address))
                {
                    throw Invalid(value, "MailInvalidAddress", $"'{value}' in {field} is not a valid e-mail address (expected name@domain).");
                }
                result.Add(mailbox);
            }
        }
        if (required && result.Count == 0) throw Invalid("", "MailInvalidAddress", $"{field} needs an e-mail address.");
        return result;
    }

    private static bool IsComplete(string address)
    {
        var at = address.LastIndexOf('@');
        return at > 0 && at < address.Length - 1 && !address.Contains(' ', StringComparison.Ordinal);
    }

    private static void RefuseLineBreaks(string what, string? value)
    {
        if (value is not null && (value.Contains('\r', StringComparison.Ordinal) || value.Contains('\n', StringComparison.Ordinal)))
        {
            throw Invalid(value, "MailHeaderInjection", $"The {what} contains a line break (CR or LF); refused because it would inject headers.");
        }
    }

    private static MailException Invalid(string target, string id, string message, Exception? inner = null) =>
        new(new TargetFailure(target, id, FailureKind.InvalidTarget, message, inner));
}
