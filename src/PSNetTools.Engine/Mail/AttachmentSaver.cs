using System.Text;
using MimeKit;
using PSNetTools.Net;

namespace PSNetTools.Mail;

/// <summary>
/// Writes attachments under one directory and nowhere else: the file name a message carries is untrusted, so path
/// separators, "..", drive letters, control characters and device names (CON, NUL...) are neutralised; two
/// attachments with one name get "name (2).ext"; an existing file is kept unless Force. No link inside the directory
/// is ever followed: Force replaces a link itself (see <see cref="SaveAsync"/>), and a real folder is never replaced.
/// </summary>
internal sealed class AttachmentSaver
{
    private static readonly HashSet<string> ReservedNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
        "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    private readonly string _directory;
    private readonly bool _force;
    private readonly HashSet<string> _writtenThisRun = new(StringComparer.OrdinalIgnoreCase);

    public AttachmentSaver(string directory, bool force)
    {
        _directory = Path.GetFullPath(directory);
        _force = force;
        Directory.CreateDirectory(_directory);
    }

    public async Task<List<string>> SaveAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var saved = new List<string>();
        foreach (var part in message.Attachments.OfType<MimePart>().Where(p => p.Content is not null))
        {
            var path = Reserve(SafeName(part.FileName));
            // Written to a new file of our own first (CreateNew is O_EXCL: it never opens through a link), then renamed
            // onto the name: a rename replaces the directory entry itself, so a link planted there is replaced, never
            // followed, and a dangling one does not get its target created. Without Force the rename refuses any entry.
            var partial = Path.Combine(_directory, $".{Guid.NewGuid():N}.part");
            try
            {
                await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                {
                    await part.Content!.DecodeToAsync(file, cancellationToken).ConfigureAwait(false);
                }
                File.Move(partial, path, overwrite: _force);
            }
            catch
            {
                File.Delete(partial);
                throw;
            }
            saved.Add(path);
        }
        return saved;
    }

    /// <summary>A name that stays a plain file name in <see cref="_directory"/> on every OS.</summary>
    internal static string SafeName(string? name)
    {
        // Keep only the last segment of whatever path the sender put there ("../../etc/passwd" → "passwd").
        var raw = (name ?? "").Replace('\\', '/');
        raw = raw[(raw.LastIndexOf('/') + 1)..];
        var sb = new StringBuilder(raw.Length);
        foreach (var c in raw)
        {
            sb.Append(char.IsControl(c) || c is ':' or '*' or '?' or '"' or '<' or '>' or '|' ? '_' : c);
        }
        var safe = sb.ToString().Trim().TrimEnd('.', ' ');
        if (safe.Length == 0 || safe.All(c => c == '.')) safe = "attachment";
        var stem = safe.Split('.')[0];
        if (ReservedNames.Contains(stem.TrimEnd())) safe = "_" + safe;
        if (Encoding.UTF8.GetByteCount(safe) > 200)
        {
            var ext = Path.GetExtension(safe);
            if (ext.Length > 20) ext = "";
            while (Encoding.UTF8.GetByteCount(safe) > 200 - Encoding.UTF8.GetByteCount(ext)) safe = safe[..^1];
            safe += ext;
        }
        return safe;
    }

    private string Reserve(string name)
    {
        var candidate = Path.Combine(_directory, name);
        var stem = Path.GetFileNameWithoutExtension(name);
        var ext = Path.GetExtension(name);
        for (var n = 2; ; n++)
        {
            var full = Path.GetFullPath(candidate);
            if (!full.StartsWith(_directory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new MailException(new TargetFailure(name, "MailUnsafeAttachmentName", FailureKind.InvalidTarget,
                    $"The attachment name '{name}' would leave {_directory}; not saved."));
            }
            // Force replaces files (and links) from earlier runs, never a real folder, nor an attachment written a moment
            // ago in this one. Entries are looked at without following links: a dangling link is taken too.
            var entry = Inspect(full);
            var taken = _writtenThisRun.Contains(full) || entry == Entry.Directory || (!_force && entry != Entry.None);
            if (!taken)
            {
                _writtenThisRun.Add(full);
                return full;
            }
            candidate = Path.Combine(_directory, $"{stem} ({n}){ext}");
        }
    }

    private enum Entry
    {
        None,
        File,
        Directory,
        Link,
    }

    private static Entry Inspect(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null) return Entry.Link;
        if (info.Exists) return Entry.File;
        return Directory.Exists(path) ? Entry.Directory : Entry.None;
    }
}
