using System.Globalization;

namespace PSNetTools.Http.Hosting;

/// <summary>The Date header, formatted once a second rather than once a request.</summary>
internal static class HttpDate
{
    private static string _text = "";
    private static long _second = -1;

    public static string Now
    {
        get
        {
            var now = DateTime.UtcNow;
            var second = now.Ticks / TimeSpan.TicksPerSecond;
            if (second != Volatile.Read(ref _second))
            {
                Volatile.Write(ref _text, now.ToString("R", CultureInfo.InvariantCulture));
                Volatile.Write(ref _second, second);
            }
            return Volatile.Read(ref _text);
        }
    }
}
