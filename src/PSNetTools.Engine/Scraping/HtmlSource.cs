namespace PSNetTools.Engine.Scraping;

/// <summary>Bytes of a page with what is known about them: where they came from and the Content-Type header.</summary>
public sealed record HtmlSource(string Uri, byte[] Content, string? ContentType, int StatusCode = 0);
