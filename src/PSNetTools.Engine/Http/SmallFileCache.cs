using System.Collections.Concurrent;

namespace PSNetTools.Http;

/// <summary>
/// Contents of small files, so a busy server does not open, read and close the same file for every request.
/// An entry is used only while the file's size and modification time are unchanged; the cache holds at most 64 MB.
/// </summary>
internal sealed class SmallFileCache
{
    private const long MaxFileBytes = 2 * 1024 * 1024;
    private const long MaxTotalBytes = 64L * 1024 * 1024;
    private readonly ConcurrentDictionary<string, (long Length, DateTime Modified, byte[] Content)> _entries = new(StringComparer.Ordinal);
    private long _total;

    public byte[]? Get(string path, long length, DateTime modified)
    {
        if (length > MaxFileBytes) return null;
        if (_entries.TryGetValue(path, out var entry) && entry.Length == length && entry.Modified == modified) return entry.Content;
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (IOException)
        {
            return null;
        }
        if (content.Length != length) return null; // changed while being read: serve it from disk this time
        if (Interlocked.Read(ref _total) + length > MaxTotalBytes) return content;
        if (_entries.TryGetValue(path, out var old)) Interlocked.Add(ref _total, -old.Content.Length);
        _entries[path] = (length, modified, content);
        Interlocked.Add(ref _total, length);
        return content;
    }
}
