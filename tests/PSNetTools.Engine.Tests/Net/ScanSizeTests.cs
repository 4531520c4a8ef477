using System.Numerics;
using PSNetTools.Net;

namespace PSNetTools.Engine.Tests.Net;

/// <summary>Issue 10 item 16: the one size guard of every fan-out, counted without expanding or resolving anything.</summary>
public class ScanSizeTests
{
    [Fact]
    public void The_size_guard_counts_addresses_times_ports_against_the_named_default()
    {
        Assert.Equal(65_536, TargetExpansion.DefaultMaxProbes);
        Assert.Null(TargetExpansion.CheckSize(["127.0.0.0/16"], 1));
        Assert.Null(TargetExpansion.CheckSize(["127.0.0.1", "localhost"], 32_768));
        var refused = TargetExpansion.CheckSize(["127.0.0.0/8"], 1)!;
        Assert.Equal(("ScanTooLarge", FailureKind.LimitExceeded, "127.0.0.0/8"), (refused.ErrorId, refused.Kind, refused.Target));
        Assert.Contains("16,777,214 probes", refused.Message, StringComparison.Ordinal);
        Assert.Contains("limit of 65,536", refused.Message, StringComparison.Ordinal);
        var ports = TargetExpansion.CheckSize(["127.0.0.0/24"], 300)!;
        Assert.Contains("76,200 probes (254 addresses × 300 ports)", ports.Message, StringComparison.Ordinal);
        Assert.Null(TargetExpansion.CheckSize(["127.0.0.0/8"], 1, maxProbes: 1L << 24));
        Assert.Equal(BigInteger.Zero, TargetExpansion.CountAddresses(["256.0.0.1"]));
    }
}
