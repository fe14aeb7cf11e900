using System.Net;
using AiOperator.Operator.Hosting;

namespace AiOperator.Operator.Tests.Hosting;

public sealed class OperatorCommandTests
{
    [Theory]
    [InlineData(":8081", "0.0.0.0", 8081)]
    [InlineData("0.0.0.0:9443", "0.0.0.0", 9443)]
    [InlineData("127.0.0.1:8081", "127.0.0.1", 8081)]
    [InlineData("[::1]:8081", "::1", 8081)]
    public void Bind_address_keeps_the_host_and_the_port(string flag, string host, int port)
    {
        var (address, parsed) = OperatorCommand.ParseBindAddress(flag);

        Assert.Equal(IPAddress.Parse(host), address);
        Assert.Equal(port, parsed);
    }

    [Theory]
    [InlineData("0")]
    [InlineData(":0")]
    public void Port_zero_turns_the_endpoint_off(string flag) =>
        Assert.Null(OperatorCommand.ParseBindAddress(flag).Port);

    [Theory]
    [InlineData(":http", "[host]:port")]
    [InlineData(":70000", "[host]:port")]
    [InlineData("localhost:8081", "not an IP address")]
    public void Bad_bind_address_names_the_flag(string flag, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => OperatorCommand.ParseBindAddress(flag));
        Assert.Contains("--health-probe-bind-address", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
