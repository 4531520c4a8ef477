using System.Globalization;
using System.Net;
using System.Text;

namespace PSNetTools.Http;

/// <summary>The HTML page for a folder without index.html: every name HTML-escaped and every link percent-encoded.</summary>
internal static class DirectoryListing
{
    public static string Render(string directory, string displayPath, string realRoot)
    {
        var title = WebUtility.HtmlEncode($"Index of {displayPath}");
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").Append(title).Append("</title></head>\n<body><h1>")
            .Append(title).Append("</h1>\n<table>\n<tr><th>Name</th><th>Size</th><th>Modified</th></tr>\n");
        if (displayPath != "/") html.Append("<tr><td><a href=\"../\">../</a></td><td></td><td></td></tr>\n");
        var entries = new DirectoryInfo(directory).EnumerateFileSystemInfos()
            // A link that leads outside the root is not served, so it is not listed either.
            .Where(e => e.LinkTarget is null || SafePath.IsUnder(realRoot, SafePath.RealPath(e.FullName)))
            .OrderBy(e => e is FileInfo)
            .ThenBy(e => e.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries)
        {
            var isDirectory = entry is DirectoryInfo;
            var name = entry.Name + (isDirectory ? "/" : "");
            if (!entry.Exists)
            {
                // A name that is not valid UTF-8 comes back with U+FFFD in it and cannot be opened by that name: it is
                // listed (so the folder's content is not hidden) but not linked, since nothing could serve it.
                html.Append("<tr><td>").Append(WebUtility.HtmlEncode(name)).Append(" (name not valid UTF-8)</td><td></td><td></td></tr>\n");
                continue;
            }
            var href = Uri.EscapeDataString(entry.Name) + (isDirectory ? "/" : "");
            var size = entry is FileInfo f ? f.Length.ToString("N0", CultureInfo.InvariantCulture) : "";
            html.Append("<tr><td><a href=\"").Append(href).Append("\">").Append(WebUtility.HtmlEncode(name)).Append("</a></td><td>")
                .Append(size).Append("</td><td>").Append(entry.LastWriteTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)).Append("</td></tr>\n");
        }
        html.Append("</table>\n</body></html>\n");
        return html.ToString();
    }
}
