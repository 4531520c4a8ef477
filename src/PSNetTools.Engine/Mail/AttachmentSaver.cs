using System.Text;
using MimeKit;
using PSNetTools.Engine.Net;

namespace PSNetTools.Engine.Mail;

/// <summary>
/// Writes attachments under one directory and nowhere else: the file name a message carries is untrusted, so path
/// separators, "..", drive letters, control characters and device names (CON, NUL...) are neutralised; two
/// attachments with one name get "name (2).ext"; an existing file is kept unless Force.
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
            await using (var file = new FileStream(path, _force ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await part.Content!.DecodeToAsync(file, cancellationToken).ConfigureAwait(false);
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
            // Force overwrites files from earlier runs, never an attachment written a moment ago in this one.
            var taken = _writtenThisRun.Contains(full) || (!_force && (File.Exists(full) || Directory.Exists(full)));
            if (!taken)
            {
                _writtenThisRun.Add(full);
                return full;
            }
            candidate = Path.Combine(_directory, $"{stem} ({n}){ext}");
        }
    }
}
