using PSNetTools.Net;

namespace PSNetTools.Mail;

/// <summary>An IMAP folder with its message counts.</summary>
public sealed record ImapFolderInfo
{
    public required string Name { get; init; }

    public required string FullName { get; init; }

    public int Total { get; init; }

    public int Unread { get; init; }

    public int Recent { get; init; }

    /// <summary>False for folders that only hold other folders (\Noselect).</summary>
    public bool CanSelect { get; init; }

    /// <summary>Nesting depth: 0 for top-level folders.</summary>
    public int Depth { get; init; }

    public string Server { get; init; } = "";

    /// <summary>Full names of the direct subfolders (joined with "; " in a CSV).</summary>
    public IReadOnlyList<string> Subfolders { get => _subfolders; init => _subfolders = ReadableList.From(value); }

    private readonly ReadableList<string> _subfolders = ReadableList.Empty<string>();
}
