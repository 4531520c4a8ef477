namespace PSNetTools.Engine.Net;

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
}
