using PSNetTools.Http;
using PSNetTools.Testing;

namespace PSNetTools.Engine.Tests.Http;

public sealed class SafePathTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _root;

    public SafePathTests()
    {
        _root = Path.Combine(_dir.Path, "root");
        Directory.CreateDirectory(Path.Combine(_root, "sub"));
        File.WriteAllText(Path.Combine(_root, "sub", "a.txt"), "a");
        File.WriteAllText(Path.Combine(_dir.Path, "secret.txt"), "outside");
        File.CreateSymbolicLink(Path.Combine(_root, "out.txt"), Path.Combine(_dir.Path, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "outdir"), _dir.Path);
        Directory.CreateSymbolicLink(Path.Combine(_root, "inside"), Path.Combine(_root, "sub"));
    }

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("/../secret.txt")]
    [InlineData("/sub/../../secret.txt")]
    [InlineData("/%2e%2e/secret.txt")]
    [InlineData("/%2E%2E/secret.txt")]
    [InlineData("/sub%2f..%2f..%2fsecret.txt")]
    [InlineData("/..%5csecret.txt")]
    [InlineData("/sub\\..\\..\\secret.txt")]
    [InlineData("/a%00.txt")]
    [InlineData("/out.txt")]
    [InlineData("/outdir/secret.txt")]
    [InlineData("/C:/Windows/win.ini")]
    [InlineData("/./sub/a.txt")]
    public void Refuses_every_way_out(string raw) =>
        Assert.Null(SafePath.Resolve(SafePath.RealRoot(_root), raw));

    [Theory]
    [InlineData("/sub/a.txt", "sub/a.txt")]
    [InlineData("//sub//a.txt?x=../../y#frag", "sub/a.txt")]
    [InlineData("/inside/a.txt", "sub/a.txt")]
    [InlineData("/", "")]
    [InlineData("/%73ub/a.txt", "sub/a.txt")]
    public void Allows_paths_inside(string raw, string expected)
    {
        var real = SafePath.RealRoot(_root);
        Assert.Equal(Path.Combine(real, expected).TrimEnd('/'), SafePath.Resolve(real, raw));
    }

    [Theory]
    [InlineData("bytes=0-9", 100, 0, 10)]
    [InlineData("bytes=90-", 100, 90, 10)]
    [InlineData("bytes=-10", 100, 90, 10)]
    [InlineData("bytes=-1000", 100, 0, 100)]
    [InlineData("bytes=50-5000", 100, 50, 50)]
    public void Ranges_parse(string header, long length, long offset, long count)
    {
        Assert.Equal(RangeOutcome.Part, ByteRange.Parse(header, length, out var o, out var c));
        Assert.Equal((offset, count), (o, c));
    }

    [Theory]
    [InlineData("bytes=100-", 100)]
    [InlineData("bytes=-0", 100)]
    [InlineData("bytes=200-300", 100)]
    public void Ranges_beyond_the_end_are_unsatisfiable(string header, long length) => Assert.Equal(RangeOutcome.Unsatisfiable, ByteRange.Parse(header, length, out _, out _));

    // RFC 9110 section 14.2: a Range the server does not understand is ignored (200 with the whole file), not a 416.
    [Theory]
    [InlineData("bytes=5-2", 100)]
    [InlineData("bytes=0-1,5-6", 100)]
    [InlineData("items=0-1", 100)]
    [InlineData("bytes=abc", 100)]
    [InlineData("bytes=0x10-", 100)]
    public void Ranges_it_does_not_understand_are_ignored(string header, long length) => Assert.Equal(RangeOutcome.Whole, ByteRange.Parse(header, length, out _, out _));
}
