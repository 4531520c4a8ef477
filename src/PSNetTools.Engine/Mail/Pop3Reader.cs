using System.Runtime.CompilerServices;
using MailKit.Net.Pop3;
using MimeKit;

namespace PSNetTools.Mail;

/// <summary>
/// Reads a POP3 maildrop. POP3 has no search and no flags: the selection is by position (newest = highest number),
/// headers come with TOP n 0 and sizes with one LIST, both pipelined when the server allows; RETR only when bodies or
/// attachments are asked for, because servers count a RETR as reading the message (Dovecot sets \Seen, which IMAP
/// clients then show as read). Messages are never deleted.
/// </summary>
public static class Pop3Reader
{
    /// <exception cref="MailException">Connecting, logging in or downloading failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async IAsyncEnumerable<ReceivedMessage> GetMessagesAsync(
        MailServerOptions options, MailboxQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(query);
        using var client = MailConnector.NewPop3(options);
        await MailConnector.ConnectAsync(client, options, cancellationToken).ConfigureAwait(false);
        try
        {
            var count = await Guard(() => client.GetMessageCountAsync(cancellationToken), options).ConfigureAwait(false);
            var ascending = Enumerable.Range(0, count).ToList();
            var selected = query.First is { } first ? ascending.Take(first).ToList()
                : (query.Last is { } last ? Enumerable.Reverse(ascending).Take(last) : Enumerable.Reverse(ascending)).ToList();
            if (selected.Count == 0) yield break;

            var sizes = await Guard(() => client.GetMessageSizesAsync(cancellationToken), options).ConfigureAwait(false);
            IList<string>? uids = null;
            if (client.Capabilities.HasFlag(Pop3Capabilities.UIDL))
            {
                uids = await Guard(() => client.GetMessageUidsAsync(cancellationToken), options).ConfigureAwait(false);
            }
            var saver = query.AttachmentPath is null ? null : new AttachmentSaver(query.AttachmentPath, query.Force);
            var needContent = query.IncludeBody || saver is not null;
            // HasAttachments/AttachmentNames need the MIME structure, which only the whole message has over POP3: without
            // bodies they are left unknown (null) rather than downloading, and marking, every message.
            const int Batch = 200;
            for (var i = 0; i < selected.Count; i += Batch)
            {
                var batch = selected.Skip(i).Take(Batch).ToList();
                var messages = needContent
                    ? await Guard(() => client.GetMessagesAsync(batch, cancellationToken), options).ConfigureAwait(false)
                    : [.. (await Guard(() => client.GetMessageHeadersAsync(batch, cancellationToken), options).ConfigureAwait(false)).Select(h => new MimeMessage(h))];
                for (var j = 0; j < batch.Count; j++)
                {
                    var index = batch[j];
                    using var message = messages[j];
                    var item = MessageFields.FromMessage(new ReceivedMessage
                    {
                        Protocol = "POP3",
                        Folder = "INBOX",
                        Uid = index + 1,
                        PopUid = uids is not null && index < uids.Count ? uids[index] : "",
                        SizeBytes = index < sizes.Count ? sizes[index] : 0,
                    }, message, needContent && query.IncludeBody);
                    if (saver is not null) item = item with { SavedAttachments = await saver.SaveAsync(message, cancellationToken).ConfigureAwait(false) };
                    yield return item;
                }
            }
        }
        finally
        {
            await MailConnector.DisconnectQuietlyAsync(client).ConfigureAwait(false);
        }
    }

    private static async Task<T> Guard<T>(Func<Task<T>> call, MailServerOptions options)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not MailException)
        {
            throw MailConnector.Translate(ex, options, timedOut: false);
        }
    }
}
