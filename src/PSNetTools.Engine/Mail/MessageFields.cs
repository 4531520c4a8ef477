using MimeKit;

namespace PSNetTools.Mail;

/// <summary>Turns MimeKit's views of a message into the flat strings of <see cref="ReceivedMessage"/>.</summary>
internal static class MessageFields
{
    public static string Addresses(InternetAddressList? list) =>
        list is null ? "" : string.Join(", ", list.Select(a => a.ToString(FormatOptions.Default, encode: false)));

    public static IReadOnlyList<string> AttachmentNames(MimeMessage message) =>
        message.Attachments.Select(a => a is MimePart p ? p.FileName ?? "" : (a as MessagePart)?.Message?.Subject ?? "message").ToList();

    /// <summary>
    /// Fills the fields POP3 and IMAP both get from the parsed message. A message of headers only (POP3 TOP n 0) has no
    /// body to tell attachments from: HasAttachments and AttachmentCount stay unknown (null).
    /// </summary>
    public static ReceivedMessage FromMessage(ReceivedMessage shell, MimeMessage message, bool includeBody) => shell with
    {
        MessageId = message.MessageId ?? "",
        Date = message.Date == DateTimeOffset.MinValue ? null : message.Date.LocalDateTime,
        From = Addresses(message.From),
        To = Addresses(message.To),
        Cc = Addresses(message.Cc),
        Subject = message.Subject ?? "",
        HasAttachments = message.Body is null ? null : message.Attachments.Any(),
        AttachmentCount = message.Body is null ? null : message.Attachments.Count(),
        AttachmentNames = AttachmentNames(message),
        TextBody = includeBody ? message.TextBody : null,
        HtmlBody = includeBody ? message.HtmlBody : null,
    };
}
