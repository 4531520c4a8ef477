using System.Globalization;
using System.Text;

namespace PSNetTools.Grpc.ProtoFiles;

/// <summary>Splits .proto text into tokens with protoc's lexical rules (C-style comments, C escapes, 0x/0 prefixes).</summary>
internal sealed class ProtoTokenizer
{
    private readonly string _text;
    private readonly string _fileName;
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    private ProtoTokenizer(string text, string fileName)
    {
        _text = text;
        _fileName = fileName;
    }

    public static List<ProtoToken> Tokenize(string text, string fileName)
    {
        var tokenizer = new ProtoTokenizer(text, fileName);
        var tokens = new List<ProtoToken>();
        ProtoToken token;
        do
        {
            token = tokenizer.Next();
            tokens.Add(token);
        }
        while (token.Kind != ProtoTokenKind.End);
        return tokens;
    }

    private int Column => _pos - _lineStart + 1;

    private char Peek(int ahead = 0) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private ProtoParseException Error(string what) => new(_fileName, _line, Column, what);

    private void NewLine()
    {
        _line++;
        _lineStart = _pos;
    }

    private ProtoToken Next()
    {
        SkipWhitespaceAndComments();
        int line = _line, column = Column, start = _pos;
        if (_pos >= _text.Length) return new ProtoToken(ProtoTokenKind.End, "", line, column);
        var c = _text[_pos];
        if (IsLetter(c))
        {
            while (IsLetter(Peek()) || char.IsAsciiDigit(Peek())) _pos++;
            return new ProtoToken(ProtoTokenKind.Identifier, _text[start.._pos], line, column);
        }
        if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Peek(1))))
        {
            var kind = ReadNumber();
            if (IsLetter(Peek()) || char.IsAsciiDigit(Peek())) throw Error("Need space between number and identifier.");
            return new ProtoToken(kind, _text[start.._pos], line, column);
        }
        if (c is '"' or '\'')
        {
            var bytes = ReadString(c);
            return new ProtoToken(ProtoTokenKind.String, _text[start.._pos], line, column, bytes);
        }
        _pos++;
        return new ProtoToken(ProtoTokenKind.Symbol, c.ToString(), line, column);
    }

    private static bool IsLetter(char c) => char.IsAsciiLetter(c) || c == '_';

    private void SkipWhitespaceAndComments()
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == '\n')
            {
                _pos++;
                NewLine();
            }
            else if (char.IsWhiteSpace(c))
            {
                _pos++;
            }
            else if (c == '/' && Peek(1) == '/')
            {
                while (_pos < _text.Length && _text[_pos] != '\n') _pos++;
            }
            else if (c == '/' && Peek(1) == '*')
            {
                int line = _line, column = Column;
                _pos += 2;
                while (!(Peek() == '*' && Peek(1) == '/'))
                {
                    if (_pos >= _text.Length) throw new ProtoParseException(_fileName, line, column, "End-of-file inside block comment.");
                    if (_text[_pos++] == '\n') NewLine();
                }
                _pos += 2;
            }
            else
            {
                return;
            }
        }
    }

    private ProtoTokenKind ReadNumber()
    {
        if (Peek() == '0' && (Peek(1) is 'x' or 'X'))
        {
            _pos += 2;
            if (!char.IsAsciiHexDigit(Peek())) throw Error("\"0x\" must be followed by hex digits.");
            while (char.IsAsciiHexDigit(Peek())) _pos++;
            return ProtoTokenKind.Integer;
        }
        if (Peek() == '0' && char.IsAsciiDigit(Peek(1)))
        {
            while (char.IsAsciiDigit(Peek()))
            {
                if (Peek() > '7') throw Error("Numbers starting with leading zero must be in octal.");
                _pos++;
            }
            return ProtoTokenKind.Integer;
        }
        var kind = ProtoTokenKind.Integer;
        while (char.IsAsciiDigit(Peek())) _pos++;
        if (Peek() == '.')
        {
            kind = ProtoTokenKind.Float;
            _pos++;
            while (char.IsAsciiDigit(Peek())) _pos++;
        }
        if (Peek() is 'e' or 'E')
        {
            kind = ProtoTokenKind.Float;
            _pos++;
            if (Peek() is '+' or '-') _pos++;
            if (!char.IsAsciiDigit(Peek())) throw Error("\"e\" must be followed by exponent.");
            while (char.IsAsciiDigit(Peek())) _pos++;
        }
        return kind;
    }

    // Literals are byte strings (bytes defaults may hold any octet), so escapes produce bytes and text is UTF-8 encoded.
    private byte[] ReadString(char quote)
    {
        var bytes = new List<byte>();
        Span<byte> utf8 = stackalloc byte[4];
        _pos++;
        while (true)
        {
            if (_pos >= _text.Length || Peek() == '\n') throw Error("String literals cannot cross line boundaries.");
            var c = _text[_pos++];
            if (c == quote) return bytes.ToArray();
            if (c != '\\')
            {
                var rune = char.IsHighSurrogate(c) && char.IsLowSurrogate(Peek()) ? new Rune(c, _text[_pos++]) : new Rune(char.IsSurrogate(c) ? '\uFFFD' : c);
                bytes.AddRange(utf8[..rune.EncodeToUtf8(utf8)].ToArray());
                continue;
            }
            var e = Peek();
            _pos++;
            switch (e)
            {
                case 'a': bytes.Add(7); break;
                case 'b': bytes.Add(8); break;
                case 'f': bytes.Add(12); break;
                case 'n': bytes.Add(10); break;
                case 'r': bytes.Add(13); break;
                case 't': bytes.Add(9); break;
                case 'v': bytes.Add(11); break;
                case '\\' or '?' or '\'' or '"': bytes.Add((byte)e); break;
                case >= '0' and <= '7':
                    var octal = e - '0';
                    for (var i = 0; i < 2 && Peek() is >= '0' and <= '7'; i++) octal = (octal * 8) + (_text[_pos++] - '0');
                    bytes.Add((byte)octal);
                    break;
                case 'x' or 'X':
                    if (!char.IsAsciiHexDigit(Peek())) throw Error("Expected hex digits for escape sequence.");
                    var hex = 0;
                    for (var i = 0; i < 2 && char.IsAsciiHexDigit(Peek()); i++) hex = (hex * 16) + HexValue(_text[_pos++]);
                    bytes.Add((byte)hex);
                    break;
                case 'u' or 'U':
                    var digits = e == 'u' ? 4 : 8;
                    if (_pos + digits > _text.Length || !uint.TryParse(_text.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code) || !Rune.IsValid(code))
                        throw Error("Expected a valid code point after \\" + e + ".");
                    _pos += digits;
                    bytes.AddRange(utf8[..new Rune(code).EncodeToUtf8(utf8)].ToArray());
                    break;
                default:
                    throw new ProtoParseException(_fileName, _line, Column - 2, "Invalid escape sequence in string literal.");
            }
        }
    }

    private static int HexValue(char c) => char.IsAsciiDigit(c) ? c - '0' : (char.ToLowerInvariant(c) - 'a') + 10;
}
