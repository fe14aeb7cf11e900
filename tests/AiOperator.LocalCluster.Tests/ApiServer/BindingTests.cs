using System.Net;
using k8s;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer;

// pods/binding, as kube-scheduler uses it: one write sets spec.nodeName and PodScheduled=True.
public sealed class BindingTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    private static V1Binding Binding(string pod, string node, string kind = "Node") => new()
    {
        Metadata = new V1ObjectMeta { Name = pod },
        Target = new V1ObjectReference { Kind = kind, Name = node },
    };

    [Fact]
    public async Task Binding_assigns_the_node_once_and_marks_the_pod_scheduled()
    {
        var ns = await fixture.NewNamespaceAsync();
        var created = await fixture.Client.CoreV1.CreateNamespacedPodAsync(Pods.Simple("p", null), ns);

        await fixture.Client.CoreV1.CreateNamespacedPodBindingAsync(Binding("p", "node-a"), "p", ns);

        var bound = await fixture.Client.CoreV1.ReadNamespacedPodAsync("p", ns);
        Assert.Equal("node-a", bound.Spec.NodeName);
        Assert.Contains(bound.Status.Conditions, c => c.Type == "PodScheduled" && c.Status == "True");
        Assert.True(long.Parse(bound.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(created.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture));

        var (code, status) = await ApiServerFixture.FailureAsync(() => fixture.Client.CoreV1.CreateNamespacedPodBindingAsync(Binding("p", "node-b"), "p", ns));
        Assert.Equal(409, code);
        Assert.Contains("already assigned to node \"node-a\"", (string?)status["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_bindings_are_refused()
    {
        var ns = await fixture.NewNamespaceAsync();
        await fixture.Client.CoreV1.CreateNamespacedPodAsync(Pods.Simple("p", null), ns);

        var (missing, _) = await ApiServerFixture.FailureAsync(() => fixture.Client.CoreV1.CreateNamespacedPodBindingAsync(Binding("ghost", "n"), "ghost", ns));
        Assert.Equal(404, missing);
        var (wrongKind, status) = await ApiServerFixture.FailureAsync(() => fixture.Client.CoreV1.CreateNamespacedPodBindingAsync(Binding("p", "n", kind: "Pod"), "p", ns));
        Assert.Equal(422, wrongKind);
        Assert.Contains("target.kind", (string?)status["message"], StringComparison.Ordinal);

        using var get = await fixture.Http.GetAsync(new Uri($"/api/v1/namespaces/{ns}/pods/p/binding", UriKind.Relative));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Null((await fixture.Client.CoreV1.ReadNamespacedPodAsync("p", ns)).Spec.NodeName);
    }
}
