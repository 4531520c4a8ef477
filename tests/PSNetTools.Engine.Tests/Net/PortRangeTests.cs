using PSNetTools.Net;

namespace PSNetTools.Engine.Tests.Net;

public class PortRangeTests
{
    [Theory]
    [InlineData("80", 80, 80)]
    [InlineData(" 8000-8100 ", 8000, 8100)]
    [InlineData("1-65535", 1, 65535)]
    public void Parses_ports_and_ranges(string text, int first, int last)
    {
        var r = PortRange.Parse(text);
        Assert.Equal((first, last), (r.First, r.Last));
    }

    [Theory]
    [InlineData("0", "out of range")]
    [InlineData("70000", "out of range")]
    [InlineData("abc", "is not a port")]
    [InlineData("10-5", "runs backwards")]
    [InlineData("-5", "out of range")]
    public void Rejects_bad_ports_with_a_clear_message(string text, string expected)
    {
        var ex = Assert.ThrowsAny<Exception>(() => PortRange.Parse(text));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_port_set_merges_overlaps_and_sorts()
    {
        var set = PortSet.Parse("443, 80,79-81,22");
        Assert.Equal([22, 79, 80, 81, 443], set.Ports);
    }
}
