namespace PSNetTools.Net;

/// <summary>Reading HTTP bodies with a size cap, shared by the page fetcher and the XML-RPC client.</summary>
public static class HttpContentReader
{
    /// <summary>Reads at most <paramref name="limit"/> bytes: a 100 MB answer does not become 100 MB in memory.</summary>
    public static async Task<byte[]> ReadCappedAsync(HttpContent content, long limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (buffer.Length < limit)
        {
            var n = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit - buffer.Length)), cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Reads at most <paramref name="limit"/> bytes and says whether the body went on beyond them (one more byte is
    /// asked for, so a body of exactly the limit is not called cut), so a cut body is never passed off as whole.
    /// </summary>
    public static async Task<CappedBody> ReadUpToAsync(HttpContent content, long limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (buffer.Length < limit)
        {
            var n = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit - buffer.Length)), cancellationToken).ConfigureAwait(false);
            if (n == 0) return new CappedBody(buffer.ToArray(), false);
            buffer.Write(chunk, 0, n);
        }
        var more = await stream.ReadAsync(chunk.AsMemory(0, 1), cancellationToken).ConfigureAwait(false);
        return new CappedBody(buffer.ToArray(), more > 0);
    }
}

/// <summary>A body read up to a cap; Truncated: the server sent more than the cap, and the rest was not read.</summary>
public readonly record struct CappedBody(byte[] Bytes, bool Truncated);
