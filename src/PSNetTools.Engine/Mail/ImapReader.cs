using System.Runtime.CompilerServices;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using PSNetTools.Net;

namespace PSNetTools.Mail;

/// <summary>
/// Reads an IMAP mailbox the efficient way: one SEARCH on the server picks the messages, summaries arrive in
/// batched FETCHes (not a round trip per message), and full messages are downloaded only when the query asks
/// for bodies or attachments.
/// </summary>
public static class ImapReader
{
    private const int FetchBatch = 500;

    /// <exception cref="MailException">Connecting, logging in, opening the folder or fetching failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async IAsyncEnumerable<ReceivedMessage> GetMessagesAsync(
        MailServerOptions options, MailboxQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(query);
        using var client = MailConnector.NewImap(options);
        await MailConnector.ConnectAsync(client, options, cancellationToken).ConfigureAwait(false);
        try
        {
            var folder = await OpenFolderAsync(client, options, query, cancellationToken).ConfigureAwait(false);
            var uids = await Guard(() => folder.SearchAsync(BuildQuery(query), cancellationToken), options).ConfigureAwait(false);
            var selected = Select(uids, query);
            var saver = query.AttachmentPath is null ? null : new AttachmentSaver(query.AttachmentPath, query.Force);
            var needContent = query.IncludeBody || saver is not null;

            for (var i = 0; i < selected.Count; i += FetchBatch)
            {
                var batch = selected.Skip(i).Take(FetchBatch).ToList();
                var summaries = await Guard(() => folder.FetchAsync(batch,
                    MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.Flags |
                    MessageSummaryItems.Size | MessageSummaryItems.BodyStructure | MessageSummaryItems.InternalDate, cancellationToken), options).ConfigureAwait(false);
                var byUid = summaries.ToDictionary(s => s.UniqueId);
                foreach (var uid in batch)
                {
                    if (!byUid.TryGetValue(uid, out var summary)) continue; // expunged meanwhile
                    var item = FromSummary(summary, folder.FullName);
                    if (needContent)
                    {
                        // BODY.PEEK[]: reading the content never sets \Seen by itself.
                        using var message = await Guard(() => folder.GetMessageAsync(uid, cancellationToken), options).ConfigureAwait(false);
                        item = MessageFields.FromMessage(item, message, query.IncludeBody) with { IsRead = item.IsRead };
                        if (saver is not null) item = item with { SavedAttachments = await saver.SaveAsync(message, cancellationToken).ConfigureAwait(false) };
                        if (!query.Peek)
                        {
                            await Guard(() => folder.AddFlagsAsync(uid, MessageFlags.Seen, silent: true, cancellationToken), options).ConfigureAwait(false);
                            item = item with { IsRead = true };
                        }
                    }
                    yield return item;
                }
            }
        }
        finally
        {
            await MailConnector.DisconnectQuietlyAsync(client).ConfigureAwait(false);
        }
    }

    /// <exception cref="MailException">Connecting, logging in or listing failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<IReadOnlyList<ImapFolderInfo>> GetFoldersAsync(MailServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var client = MailConnector.NewImap(options);
        await MailConnector.ConnectAsync(client, options, cancellationToken).ConfigureAwait(false);
        try
        {
            var root = client.GetFolder(client.PersonalNamespaces[0]);
            var all = await Guard(() => root.GetSubfoldersAsync(true, cancellationToken), options).ConfigureAwait(false);
            var folders = new List<IMailFolder> { client.Inbox };
            folders.AddRange(all.Where(f => !string.Equals(f.FullName, client.Inbox.FullName, StringComparison.OrdinalIgnoreCase)));
            var result = new List<ImapFolderInfo>();
            foreach (var folder in folders)
            {
                var selectable = !folder.Attributes.HasFlag(FolderAttributes.NoSelect) && !folder.Attributes.HasFlag(FolderAttributes.NonExistent);
                if (selectable)
                {
                    // STATUS: counts without selecting the folder.
                    await Guard(() => folder.StatusAsync(StatusItems.Count | StatusItems.Unread | StatusItems.Recent, cancellationToken), options).ConfigureAwait(false);
                }
                var children = all.Where(f => f.ParentFolder is { } p && string.Equals(p.FullName, folder.FullName, StringComparison.Ordinal))
                    .Select(f => f.FullName).ToList();
                result.Add(new ImapFolderInfo
                {
                    Name = folder.Name,
                    FullName = folder.FullName,
                    Total = folder.Count,
                    Unread = folder.Unread,
                    Recent = folder.Recent,
                    CanSelect = selectable,
                    Depth = folder.DirectorySeparator == '\0' ? 0 : folder.FullName.Count(c => c == folder.DirectorySeparator),
                    Server = options.Endpoint,
                    Subfolders = children,
                });
            }
            return result;
        }
        finally
        {
            await MailConnector.DisconnectQuietlyAsync(client).ConfigureAwait(false);
        }
    }

    internal static SearchQuery BuildQuery(MailboxQuery q)
    {
        SearchQuery query = SearchQuery.All;
        if (q.UnreadOnly) query = query.And(SearchQuery.NotSeen);
        // IMAP SINCE/BEFORE compare whole days of the arrival date (RFC 3501), not times.
        if (q.Since is { } since) query = query.And(SearchQuery.DeliveredAfter(since.Date));
        if (q.Before is { } before) query = query.And(SearchQuery.DeliveredBefore(before.Date));
        if (!string.IsNullOrEmpty(q.From)) query = query.And(SearchQuery.FromContains(q.From));
        if (!string.IsNullOrEmpty(q.To)) query = query.And(SearchQuery.ToContains(q.To));
        if (!string.IsNullOrEmpty(q.Subject)) query = query.And(SearchQuery.SubjectContains(q.Subject));
        if (!string.IsNullOrEmpty(q.BodyContains)) query = query.And(SearchQuery.BodyContains(q.BodyContains));
        if (q.Uids.Count > 0) query = query.And(SearchQuery.Uids(q.Uids.Where(u => u is > 0 and <= uint.MaxValue).Select(u => new UniqueId((uint)u)).ToList()));
        return query;
    }

    // Newest first: highest UIDs are the latest arrivals (UIDs grow with every append).
    private static List<UniqueId> Select(IList<UniqueId> uids, MailboxQuery q)
    {
        var ascending = uids.OrderBy(u => u.Id).ToList();
        if (q.First is { } first) return ascending.Take(first).ToList();
        var newest = Enumerable.Reverse(ascending);
        return (q.Last is { } last ? newest.Take(last) : newest).ToList();
    }

    private static ReceivedMessage FromSummary(IMessageSummary s, string folder)
    {
        var env = s.Envelope;
        var attachments = s.Attachments?.ToList() ?? [];
        return new ReceivedMessage
        {
            Protocol = "IMAP",
            Folder = folder,
            Uid = s.UniqueId.Id,
            MessageId = env?.MessageId is { } id ? "<" + id.Trim('<', '>') + ">" : "",
            Date = (env?.Date ?? s.InternalDate)?.LocalDateTime,
            From = MessageFields.Addresses(env?.From),
            To = MessageFields.Addresses(env?.To),
            Cc = MessageFields.Addresses(env?.Cc),
            Subject = env?.Subject ?? "",
            SizeBytes = s.Size ?? 0,
            IsRead = s.Flags is { } f && f.HasFlag(MessageFlags.Seen),
            HasAttachments = attachments.Count > 0,
            AttachmentCount = attachments.Count,
            AttachmentNames = attachments.Select(a => a.FileName ?? "").ToList(),
        };
    }

    private static async Task<IMailFolder> OpenFolderAsync(ImapClient client, MailServerOptions options, MailboxQuery query, CancellationToken ct)
    {
        IMailFolder folder;
        try
        {
            folder = string.Equals(query.Folder, "INBOX", StringComparison.OrdinalIgnoreCase)
                ? client.Inbox
                : await client.GetFolderAsync(query.Folder, ct).ConfigureAwait(false);
        }
        catch (FolderNotFoundException ex)
        {
            throw new MailException(new TargetFailure(query.Folder, "MailFolderNotFound", FailureKind.InvalidTarget,
                $"{options.Endpoint} has no folder '{query.Folder}'.", ex));
        }
        // Read-write only when we are going to set \Seen.
        var access = query.Peek ? FolderAccess.ReadOnly : FolderAccess.ReadWrite;
        await Guard(() => folder.OpenAsync(access, ct), options).ConfigureAwait(false);
        return folder;
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

    private static async Task Guard(Func<Task> call, MailServerOptions options) =>
        await Guard(async () => { await call().ConfigureAwait(false); return true; }, options).ConfigureAwait(false);
}
