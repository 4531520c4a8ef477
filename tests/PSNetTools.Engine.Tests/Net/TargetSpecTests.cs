using System.Net;
using System.Numerics;
using PSNetTools.Net;

namespace PSNetTools.Engine.Tests.Net;

public class TargetSpecTests
{
    [Theory]
    [InlineData("127.0.0.1", TargetKind.Address, 1)]
    [InlineData("::1", TargetKind.Address, 1)]
    [InlineData("[::1]", TargetKind.Address, 1)]
    [InlineData("localhost", TargetKind.HostName, 1)]
    [InlineData("127.0.0.0/28", TargetKind.Cidr, 14)]
    [InlineData("127.0.0.5/32", TargetKind.Cidr, 1)]
    [InlineData("127.0.0.1-127.0.0.254", TargetKind.Range, 254)]
    [InlineData("127.0.0.1-20", TargetKind.Range, 20)]
    [InlineData("::1/120", TargetKind.Cidr, 255)]
    public void Parses_what_users_type(string text, TargetKind kind, int count)
    {
        var spec = TargetSpec.Parse(text);
        Assert.Equal(kind, spec.Kind);
        Assert.Equal(new BigInteger(count), spec.Count);
    }

    [Theory]
    [InlineData("127.0.0.0/33", "prefix length /33")]
    [InlineData("127.0.0.0/abc", "not a valid CIDR")]
    [InlineData("127.0.0.9-127.0.0.1", "runs backwards")]
    [InlineData("127.0.0.1-300", "not a valid address range")]
    [InlineData("", "empty")]
    [InlineData("bad host name!", "not a host name")]
    public void Rejects_bad_targets_with_a_message_that_says_what_is_wrong(string text, string expected)
    {
        Assert.False(TargetSpec.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_block_is_enumerated_in_order_and_masked_to_its_network()
    {
        var spec = TargetSpec.Parse("127.0.0.7/29");
        Assert.Equal(Enumerable.Range(1, 6).Select(i => IPAddress.Parse($"127.0.0.{i}")), spec.Addresses());
    }

    // Issue 12 item 9: a /30 scanned its network and broadcast address, ::1/127 scanned "::" (this machine).
    [Theory]
    [InlineData("127.0.0.4/30", "127.0.0.5,127.0.0.6")]
    [InlineData("127.0.0.4/31", "127.0.0.4,127.0.0.5")]
    [InlineData("127.0.0.4/32", "127.0.0.4")]
    [InlineData("0.0.0.0/31", "0.0.0.1")]
    [InlineData("::1/127", "::1")]
    [InlineData("::1/128", "::1")]
    [InlineData("::1/126", "::1,::2,::3")]
    [InlineData("fd00::4/127", "fd00::4,fd00::5")]
    public void A_block_holds_its_host_addresses_only(string text, string expected)
    {
        var spec = TargetSpec.Parse(text);
        Assert.Equal(expected, string.Join(',', spec.Addresses()));
        Assert.Equal(new BigInteger(expected.Split(',').Length), spec.Count);
    }

    [Theory]
    [InlineData("::/128")]
    [InlineData("0.0.0.0/32")]
    public void A_block_of_the_unspecified_address_alone_is_an_error(string text)
    {
        Assert.False(TargetSpec.TryParse(text, out _, out var error));
        Assert.Contains("unspecified address", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_huge_block_is_lazy()
    {
        // Loopback's /8 has the same size as any /8, and only loopback addresses belong in the tests.
        var spec = TargetSpec.Parse("127.0.0.0/8");
        Assert.Equal(new BigInteger((1 << 24) - 2), spec.Count);
        // Taking three must not enumerate sixteen million.
        Assert.Equal(["127.0.0.1", "127.0.0.2", "127.0.0.3"], spec.Addresses().Take(3).Select(a => a.ToString()));
    }

    [Fact]
    public async Task Resolves_localhost_and_literal_addresses_without_dns()
    {
        var local = await TargetSpec.Parse("localhost").ResolveAsync(CancellationToken.None);
        Assert.Contains(local, IPAddress.IsLoopback);
        var literal = await TargetSpec.Parse("127.0.0.1-3").ResolveAsync(CancellationToken.None);
        Assert.Equal(3, literal.Length);
    }
}
