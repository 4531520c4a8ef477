using System.Text;
using System.Web;

namespace PSNetTools.Http;

/// <summary>
/// A query string split the way Werkzeug splits it for Flask's request.args: pairs at '&amp;', each at its first '=',
/// '+' and %XX decoded as UTF-8 (bytes that are not UTF-8 become U+FFFD), a name without '=' is a name with the value
/// '', names kept as sent (case-sensitive) and repeated names kept in order.
/// </summary>
public static class QueryString
{
    public static IEnumerable<KeyValuePair<string, string>> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var pair in text.Split('&'))
        {
            if (pair.Length == 0) continue;
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? "" : pair[(equals + 1)..];
            yield return new(HttpUtility.UrlDecode(name, Encoding.UTF8), HttpUtility.UrlDecode(value, Encoding.UTF8));
        }
    }
}
