using AiOperator.LocalCluster.ApiServer.Tables;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Tables;

public sealed class HumanDurationTests
{
    [Theory]
    [InlineData(0, "0s")]
    [InlineData(59, "59s")]
    [InlineData(119, "119s")]
    [InlineData(125, "2m5s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600 + 120, "3h2m")]
    [InlineData(30 * 3600, "30h")]
    [InlineData(3 * 86400 + 3600, "3d1h")]
    [InlineData(20 * 86400, "20d")]
    [InlineData(800 * 86400, "2y70d")]
    public void Formats_like_kubectl_ages(int seconds, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));
}
