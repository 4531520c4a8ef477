using PSNetTools.Net;

namespace PSNetTools.Engine.Tests.Net;

/// <summary>Issue 10 item 16: what looks like IPv4 must be IPv4, never a name for DNS nor another address.</summary>
public class TargetGuardTests
{
    [Theory]
    [InlineData("256.0.0.1", "'256', which is above 255")]
    [InlineData("1.2.3", "has 3 parts, not 4")] // the C library reads it as 1.2.0.3
    [InlineData("1.2.3.4.5", "has 5 parts, not 4")]
    [InlineData("127.1", "has 2 parts, not 4")]
    [InlineData("2130706433", "has 1 part, not 4")] // one number: 127.0.0.1 to the C library
    [InlineData("010.0.0.1", "leading zero")] // octal 8.0.0.1 to some tools
    [InlineData("0x7f.0.0.1", "'0x7f', which is not a decimal number")]
    [InlineData("127.0.0.1.", "has 5 parts, not 4")]
    [InlineData("127..0.1", "'', which is not a decimal number")]
    [InlineData("1.2.3/24", "not a valid CIDR block: '1.2.3' is not a valid IPv4 address")]
    [InlineData("300.0.0.1-5", "not a valid address range: '300.0.0.1' is not a valid IPv4 address")]
    [InlineData("127.0.0.1-127.0.0.300", "not a valid address range: '127.0.0.300' is not a valid IPv4 address")]
    public void Text_that_looks_like_IPv4_but_is_not_is_an_invalid_address_not_a_name(string text, string expected)
    {
        // TryParse resolves nothing: false here means no resolver is ever asked about this text.
        Assert.False(TargetSpec.TryParse(text, out var spec, out var error));
        Assert.Null(spec);
        Assert.Contains("not a valid IPv4 address", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0", TargetKind.Address)]
    [InlineData("255.255.255.255", TargetKind.Address)]
    [InlineData("127.0.0.0/8", TargetKind.Cidr)]
    [InlineData("127.0.0.1-20", TargetKind.Range)]
    [InlineData("::ffff:127.0.0.1", TargetKind.Address)]
    [InlineData("host-1.example", TargetKind.HostName)]
    [InlineData("123.example", TargetKind.HostName)]
    public void Well_formed_targets_still_parse(string text, TargetKind kind) => Assert.Equal(kind, TargetSpec.Parse(text).Kind);

    [Fact]
    public async Task An_invalid_address_fails_in_expansion_without_resolving()
    {
        var outcomes = new List<Outcome<ResolvedTarget>>();
        await foreach (var o in TargetExpansion.ExpandAsync(["256.0.0.1", "127.0.0.1"])) outcomes.Add(o);
        Assert.Equal("InvalidTarget", outcomes[0].Failure!.ErrorId);
        Assert.Equal("127.0.0.1", outcomes[1].Value.Address.ToString());
    }
}
