using System.Net;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Networking;

using AiOperator.LocalCluster.Simulation.Networking;

public sealed class LoopbackAddressPoolTests
{
    [Fact]
    public void Addresses_are_unique_and_skip_reserved_host_bytes()
    {
        var pool = new LoopbackAddressPool(IPAddress.Parse("127.0.0.0"), IPAddress.Parse("127.0.1.255"));

        var all = Enumerable.Range(0, 507).Select(_ => pool.Allocate().ToString()).ToList();

        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.DoesNotContain("127.0.0.1", all);
        Assert.DoesNotContain(all, a => a.EndsWith(".0", StringComparison.Ordinal) || a.EndsWith(".255", StringComparison.Ordinal));
        Assert.Throws<InvalidOperationException>(pool.Allocate);
    }

    [Fact]
    public void Released_addresses_are_reused_last()
    {
        var pool = new LoopbackAddressPool(IPAddress.Parse("127.5.0.1"), IPAddress.Parse("127.5.0.3"));
        var a = pool.Allocate();
        pool.Release(a);

        Assert.Equal(IPAddress.Parse("127.5.0.2"), pool.Allocate());
        Assert.Equal(IPAddress.Parse("127.5.0.3"), pool.Allocate());
        Assert.Equal(a, pool.Allocate());
    }

    [Fact]
    public void Reserve_claims_a_specific_address_once()
    {
        var pool = new LoopbackAddressPool(IPAddress.Parse("127.1.0.1"), IPAddress.Parse("127.1.0.10"));

        Assert.True(pool.TryReserve(IPAddress.Parse("127.1.0.4")));
        Assert.False(pool.TryReserve(IPAddress.Parse("127.1.0.4")));
        Assert.False(pool.TryReserve(IPAddress.Parse("127.9.0.4")));
    }

    [Fact]
    public void Ranges_outside_loopback_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new LoopbackAddressPool(IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.9")));
    }
}
