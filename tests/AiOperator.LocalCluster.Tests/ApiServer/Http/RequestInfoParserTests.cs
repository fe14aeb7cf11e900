using AiOperator.LocalCluster.ApiServer.Http;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Http;

public sealed class RequestInfoParserTests
{
    [Theory]
    [InlineData("GET", "/api/v1/namespaces/ns/pods", false, "list", "", "ns", "pods", "", "")]
    [InlineData("GET", "/api/v1/namespaces/ns/pods", true, "watch", "", "ns", "pods", "", "")]
    [InlineData("GET", "/api/v1/namespaces/ns/pods/p/log", false, "get", "", "ns", "pods", "p", "log")]
    [InlineData("PUT", "/apis/apps/v1/namespaces/ns/deployments/d/status", false, "update", "apps", "ns", "deployments", "d", "status")]
    [InlineData("PATCH", "/apis/apps/v1/namespaces/ns/deployments/d/scale", false, "patch", "apps", "ns", "deployments", "d", "scale")]
    [InlineData("DELETE", "/api/v1/namespaces/ns/configmaps", false, "deletecollection", "", "ns", "configmaps", "", "")]
    [InlineData("GET", "/api/v1/namespaces/ns", false, "get", "", "", "namespaces", "ns", "")]
    [InlineData("PUT", "/api/v1/namespaces/ns/status", false, "update", "", "", "namespaces", "ns", "status")]
    [InlineData("GET", "/api/v1/namespaces", false, "list", "", "", "namespaces", "", "")]
    [InlineData("POST", "/apis/aioperator.dev/v1alpha1/namespaces/ns/modeldeployments", false, "create", "aioperator.dev", "ns", "modeldeployments", "", "")]
    [InlineData("GET", "/api/v1/nodes/n1", false, "get", "", "", "nodes", "n1", "")]
    public void Splits_resource_paths(string method, string path, bool watch, string verb, string group, string ns, string resource, string name, string sub)
    {
        var info = RequestInfoParser.Parse(method, path, watch);
        Assert.True(info.IsResourceRequest);
        Assert.Equal((verb, group, ns, resource, name, sub), (info.Verb, info.Group, info.Namespace, info.Resource, info.Name, info.Subresource));
    }

    [Theory]
    [InlineData("/version")]
    [InlineData("/api")]
    [InlineData("/api/v1")]
    [InlineData("/apis/apps/v1")]
    [InlineData("/openapi/v3/apis/apps/v1")]
    public void Discovery_paths_are_not_resource_requests(string path) =>
        Assert.False(RequestInfoParser.Parse("GET", path, false).IsResourceRequest);
}
