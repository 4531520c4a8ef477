namespace PSNetTools.Scraping;

/// <summary>Bytes of a page with what is known about them: where they came from and the Content-Type header.</summary>
public sealed record HtmlSource(string Uri, byte[] Content, string? ContentType, int StatusCode = 0)
{
    /// <summary>The Location header of a redirect that was not followed.</summary>
    public string? Location { get; init; }

    /// <summary>The server sent more than the size cap; Content holds only the part up to it.</summary>
    public bool Truncated { get; init; }

    /// <summary>True when the Content-Type says HTML (or says nothing and the bytes look like it).</summary>
    public bool IsHtml => ContentType is null
        ? Content.Length > 0 && System.Text.Encoding.UTF8.GetString(Content, 0, Math.Min(Content.Length, 512)).TrimStart().StartsWith('<')
        : ContentType.Contains("html", StringComparison.OrdinalIgnoreCase);
}
