namespace PSNetTools.Http;

/// <summary>Content-Type by file extension, for the types a static site serves.</summary>
internal static class MimeTypes
{
    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html", [".htm"] = "text/html", [".css"] = "text/css", [".js"] = "text/javascript",
        [".mjs"] = "text/javascript", [".json"] = "application/json", [".xml"] = "application/xml", [".txt"] = "text/plain",
        [".md"] = "text/markdown", [".csv"] = "text/csv", [".svg"] = "image/svg+xml", [".png"] = "image/png",
        [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg", [".gif"] = "image/gif", [".webp"] = "image/webp",
        [".ico"] = "image/x-icon", [".avif"] = "image/avif", [".woff"] = "font/woff", [".woff2"] = "font/woff2",
        [".ttf"] = "font/ttf", [".otf"] = "font/otf", [".pdf"] = "application/pdf", [".zip"] = "application/zip",
        [".gz"] = "application/gzip", [".tar"] = "application/x-tar", [".wasm"] = "application/wasm",
        [".mp4"] = "video/mp4", [".webm"] = "video/webm", [".mp3"] = "audio/mpeg", [".wav"] = "audio/wav",
        [".ps1"] = "text/plain", [".psm1"] = "text/plain", [".psd1"] = "text/plain", [".py"] = "text/x-python",
        [".sh"] = "text/x-sh", [".yaml"] = "application/yaml", [".yml"] = "application/yaml",
    };

    public static string For(string path) =>
        ByExtension.TryGetValue(Path.GetExtension(path), out var type) ? type : "application/octet-stream";
}
