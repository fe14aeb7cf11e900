using AiOperator.ModelServer.Configuration;
using Xunit;

namespace AiOperator.ModelServer.Tests.Configuration;

public sealed class CpuLimitTests
{
    [Theory]
    [InlineData("max 100000", null)]
    [InlineData("200000 100000\n", 2)]
    [InlineData("150000 100000", 2)]
    [InlineData("50000 100000", 1)]
    [InlineData("", null)]
    [InlineData("garbage", null)]
    public void Cgroup_v2_cpu_max(string text, int? expected) => Assert.Equal(expected, CpuLimit.FromCgroupV2(text));

    [Theory]
    [InlineData("-1", "100000", null)]
    [InlineData("400000", "100000", 4)]
    [InlineData("x", "100000", null)]
    public void Cgroup_v1_quota(string quota, string period, int? expected) => Assert.Equal(expected, CpuLimit.FromQuota(quota, period));

    [Fact]
    public void Detect_never_exceeds_the_cores_the_runtime_sees() =>
        Assert.InRange(CpuLimit.Detect(), 1, Environment.ProcessorCount);
}
