using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Networking;

using AiOperator.LocalCluster.Simulation.Networking;

public sealed class ClusterDnsTests
{
    private static readonly Dictionary<string, string> Records = new()
    {
        ["web.prod.svc.cluster.local"] = "127.1.0.5",
        ["db.other.svc.cluster.local"] = "127.1.0.9",
        ["worker-0.workers.prod.svc.cluster.local"] = "127.2.0.7",
    };

    [Theory]
    [InlineData("http://web:8080/v2", "http://127.1.0.5:8080/v2")]
    [InlineData("http://web.prod:8080", "http://127.1.0.5:8080")]
    [InlineData("web.prod.svc:80", "127.1.0.5:80")]
    [InlineData("web.prod.svc.cluster.local", "127.1.0.5")]
    [InlineData("http://db.other.svc.cluster.local/x", "http://127.1.0.9/x")]
    [InlineData("worker-0.workers:29500", "127.2.0.7:29500")]
    [InlineData("tcp://worker-0.workers.prod.svc.cluster.local:1", "tcp://127.2.0.7:1")]
    [InlineData("a=http://web:1,b=http://db.other:2", "a=http://127.1.0.5:1,b=http://127.1.0.9:2")]
    public void Names_in_host_position_are_rewritten(string value, string expected)
    {
        Assert.Equal(expected, ClusterDns.Rewrite(value, "prod", Records));
    }

    [Theory]
    [InlineData("web")]
    [InlineData("/models/web/model.onnx")]
    [InlineData("http://db:5432")]
    [InlineData("http://unknown.prod:80")]
    [InlineData("10.0.0.1:80")]
    [InlineData("")]
    public void Other_text_is_left_alone(string value)
    {
        Assert.Equal(value, ClusterDns.Rewrite(value, "prod", Records));
    }

    [Fact]
    public void Resolve_follows_the_pod_search_path()
    {
        Assert.Equal("127.1.0.5", ClusterDns.Resolve("web", "prod", Records));
        Assert.Null(ClusterDns.Resolve("web", "other", Records));
        Assert.Equal("127.1.0.9", ClusterDns.Resolve("db.other", "prod", Records));
        Assert.Equal("127.1.0.5", ClusterDns.Resolve("WEB.prod.svc.cluster.local.", "x", Records));
    }
}
