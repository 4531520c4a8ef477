namespace PSNetTools.Transport;

internal static class EchoMatching
{
    /// <summary>
    /// One reply (a datagram): it matches when it is the message, or ends with it: the seed's servers answer
    /// "服务器已收到: " + message. The one-piece case of <see cref="EchoStreamMatcher"/>.
    /// </summary>
    public static bool Matches(ReadOnlySpan<byte> reply, ReadOnlySpan<byte> message) => reply.EndsWith(message);
}

/// <summary>
/// Judges a TCP echo as its bytes arrive. TCP has no message boundaries, so an echo server gets the message in pieces
/// (whatever each read returned) and may answer each piece behind the same prefix: the seed's select() server sends
/// "服务器回应: " + data for every recv(1024), so a 16 KiB message comes back as 16 prefixed pieces. The reply matches
/// when it is the message cut into one or more pieces, each behind the same prefix (empty for a plain echo server):
/// P c1 P c2 ... P cn with c1 c2 ... cn = the message. The prefix is not told: it is what the reply holds before the
/// message begins, at most <see cref="MaxPrefixBytes"/> bytes.
/// </summary>
/// <remarks>
/// Where the pieces end is not known either (the prefix may itself occur in the message), so this runs every reading
/// the bytes so far allow at once, as a small automaton: a reading is (prefix length, message bytes matched, prefix
/// bytes matched since the last piece). At most <see cref="MaxReadings"/> readings are kept, shortest prefixes first;
/// they only multiply for messages made of the prefix's own bytes. Each byte costs a few steps per reading, so a
/// 1 MiB echo is judged while it arrives, without holding it.
/// </remarks>
internal sealed class EchoStreamMatcher
{
    /// <summary>The longest prefix a server may put before each piece.</summary>
    public const int MaxPrefixBytes = 1024;

    private const int MaxReadings = 16;

    // Inside a piece: at least one message byte since the last prefix, so a prefix may start or the piece go on.
    private const int InPiece = -1;

    private readonly byte[] _message;
    private readonly byte[] _head = new byte[MaxPrefixBytes];
    private List<Reading> _readings = [];
    private List<Reading> _next = [];
    private long _seen;

    public EchoStreamMatcher(byte[] message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Length == 0) throw new ArgumentException("An echo needs a message of at least one byte.", nameof(message));
        _message = message;
    }

    /// <summary>The bytes so far are a whole echo of the message.</summary>
    public bool Complete { get; private set; }

    /// <summary>Takes the next bytes of the reply.</summary>
    public void Feed(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes) Step(b);
    }

    private void Step(byte b)
    {
        _next.Clear();
        // The readings are kept in order of prefix length, so the successors of one prefix length are neighbours and
        // duplicates (two histories that arrive at the same place) are looked for among them only.
        var group = 0;
        var groupLength = -1;
        foreach (var r in _readings)
        {
            if (r.PrefixLength != groupLength)
            {
                group = _next.Count;
                groupLength = r.PrefixLength;
            }
            if (r.PrefixMatched == InPiece)
            {
                if (r.MessageMatched < _message.Length && b == _message[r.MessageMatched]) Add(r with { MessageMatched = r.MessageMatched + 1 }, group);
                if (r.PrefixLength > 0 && b == _head[0]) Add(r with { PrefixMatched = 1 }, group);
            }
            else if (r.PrefixMatched < r.PrefixLength)
            {
                if (b == _head[r.PrefixMatched]) Add(r with { PrefixMatched = r.PrefixMatched + 1 }, group);
            }
            else if (r.MessageMatched < _message.Length && b == _message[r.MessageMatched])
            {
                // A whole prefix was read: the next piece starts with this byte.
                Add(r with { MessageMatched = r.MessageMatched + 1, PrefixMatched = InPiece }, group);
            }
        }
        // While no piece has begun, every byte so far is prefix; a piece may begin at any byte equal to the message's
        // first. Its prefix is longer than any reading's so far, so it goes last.
        if (_seen <= MaxPrefixBytes && b == _message[0] && _next.Count < MaxReadings) _next.Add(new Reading((int)_seen, 1, InPiece));
        if (_seen < MaxPrefixBytes) _head[_seen] = b;
        _seen++;
        if (_next.Count > MaxReadings) _next.RemoveRange(MaxReadings, _next.Count - MaxReadings);
        (_readings, _next) = (_next, _readings);
        Complete = false;
        foreach (var r in _readings)
        {
            if (r.PrefixMatched == InPiece && r.MessageMatched == _message.Length) Complete = true;
        }
    }

    private void Add(Reading reading, int group)
    {
        for (var i = group; i < _next.Count; i++)
        {
            if (_next[i] == reading) return;
        }
        _next.Add(reading);
    }

    // PrefixMatched: InPiece, or how much of the prefix was read since the last piece (PrefixLength: all of it).
    private readonly record struct Reading(int PrefixLength, int MessageMatched, int PrefixMatched);
}
