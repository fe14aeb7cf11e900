using System.Net;
using System.Net.Http.Headers;
using AiOperator.ControllerRuntime.Client;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Client;

public sealed class TransientFaultsTests
{
    [Theory]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    [InlineData(501, false)]
    [InlineData(409, false)]
    [InlineData(404, false)]
    [InlineData(400, false)]
    public void Classifies_status_codes(int code, bool transient) =>
        Assert.Equal(transient, TransientFaults.IsTransient((HttpStatusCode)code));

    [Fact]
    public void Reads_retry_after_as_seconds_or_date()
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var seconds = new HttpResponseMessage();
        seconds.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3));
        using var date = new HttpResponseMessage();
        date.Headers.RetryAfter = new RetryConditionHeaderValue(now.AddSeconds(7));
        using var none = new HttpResponseMessage();

        Assert.Equal(TimeSpan.FromSeconds(3), TransientFaults.RetryAfter(seconds.Headers, now));
        Assert.Equal(TimeSpan.FromSeconds(7), TransientFaults.RetryAfter(date.Headers, now));
        Assert.Null(TransientFaults.RetryAfter(none.Headers, now));
    }

    [Fact]
    public void Resource_paths_for_core_grouped_and_cluster_scoped_kinds()
    {
        Assert.Equal("/api/v1/namespaces/ns/pods/p", ResourceKind.For<V1Pod>().ObjectPath("ns", "p"));
        Assert.Equal("/apis/apps/v1/deployments", ResourceKind.For<V1Deployment>().CollectionPath(null));
        Assert.Equal("/apis/apps/v1/namespaces/ns/deployments/d/status", ResourceKind.For<V1Deployment>().ObjectPath("ns", "d", "status"));
        Assert.Equal("/api/v1/nodes/n1", new ResourceKind("", "v1", "Node", "nodes", Namespaced: false).ObjectPath("ignored", "n1"));
        Assert.Equal("policy/v1", ResourceKind.For<V1PodDisruptionBudget>().ApiVersion);
    }
}
