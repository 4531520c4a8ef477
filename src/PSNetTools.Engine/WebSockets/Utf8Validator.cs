using System.Buffers;
using System.Text.Unicode;

namespace PSNetTools.WebSockets;

/// <summary>
/// Checks a text message's UTF-8 chunk by chunk (RFC 6455 §8.1), for <see cref="Utf8GuardStream"/>, which fails the
/// connection with 1007 before the rest of the message has come. A code point split across chunks waits for its next
/// bytes; only bytes that can never be valid fail.
/// </summary>
internal sealed class Utf8Validator
{
    private readonly byte[] _carry = new byte[4];
    private readonly char[] _scratch = new char[4096];
    private int _carried;

    /// <summary>False when the bytes so far cannot be the start of valid UTF-8.</summary>
    public bool Append(ReadOnlySpan<byte> chunk)
    {
        while (chunk.Length > 0 || _carried > 0)
        {
            ReadOnlySpan<byte> input;
            byte[]? rented = null;
            if (_carried > 0)
            {
                // Join the carried partial code point with the start of this chunk (at most 3 more bytes are needed).
                var take = Math.Min(chunk.Length, 4 - _carried);
                rented = ArrayPool<byte>.Shared.Rent(_carried + take);
                _carry.AsSpan(0, _carried).CopyTo(rented);
                chunk[..take].CopyTo(rented.AsSpan(_carried));
                input = rented.AsSpan(0, _carried + take);
                chunk = chunk[take..];
                _carried = 0;
            }
            else
            {
                input = chunk;
                chunk = default;
            }
            try
            {
                while (input.Length > 0)
                {
                    var status = Utf8.ToUtf16(input, _scratch, out var read, out _, replaceInvalidSequences: false, isFinalBlock: false);
                    input = input[read..];
                    if (status == OperationStatus.InvalidData) return false;
                    if (status == OperationStatus.NeedMoreData)
                    {
                        input.CopyTo(_carry);
                        _carried = input.Length;
                        break;
                    }
                }
            }
            finally
            {
                if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
            }
            if (_carried > 0 && chunk.Length == 0) return true;
        }
        return true;
    }

    /// <summary>At the end of a message: false when it ends inside a code point. Resets for the next message.</summary>
    public bool End()
    {
        var complete = _carried == 0;
        _carried = 0;
        return complete;
    }
}
