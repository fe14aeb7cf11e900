using k8s;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer;

// The Priority admission plugin: priorityClassName -> spec.priority, unknown classes refused.
public sealed class PriorityAdmissionTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    private static V1Pod Pod(string name, string? priorityClass = null, int? priority = null)
    {
        var pod = Pods.Simple(name, null);
        pod.Spec.PriorityClassName = priorityClass;
        pod.Spec.Priority = priority;
        return pod;
    }

    [Fact]
    public async Task A_pod_gets_its_class_value_and_an_unknown_class_is_403()
    {
        var ns = await fixture.NewNamespaceAsync();
        await fixture.Client.SchedulingV1.CreatePriorityClassAsync(new V1PriorityClass { Metadata = new V1ObjectMeta { Name = $"{ns}-training" }, Value = 500, PreemptionPolicy = "Never" });

        var pod = await fixture.Client.CoreV1.CreateNamespacedPodAsync(Pod("a", $"{ns}-training"), ns);
        Assert.Equal((500, "Never"), (pod.Spec.Priority, pod.Spec.PreemptionPolicy));

        var critical = await fixture.Client.CoreV1.CreateNamespacedPodAsync(Pod($"{ns}-b", "system-cluster-critical"), "kube-system");
        Assert.Equal(2_000_000_000, critical.Spec.Priority);

        var (code, status) = await ApiServerFixture.FailureAsync(() => fixture.Client.CoreV1.CreateNamespacedPodAsync(Pod("c", "missing"), ns));
        Assert.Equal(403, code);
        Assert.Equal("pods \"c\" is forbidden: no PriorityClass with name missing was found", (string?)status["message"]);

        var (mismatch, _) = await ApiServerFixture.FailureAsync(() => fixture.Client.CoreV1.CreateNamespacedPodAsync(Pod("d", $"{ns}-training", priority: 7), ns));
        Assert.Equal(403, mismatch);
        Assert.Equal(0, (await fixture.Client.CoreV1.CreateNamespacedPodAsync(Pod("e"), ns)).Spec.Priority);
    }

    [Theory]
    [InlineData("system-node-critical")]
    [InlineData("system-cluster-critical")]
    public async Task The_system_classes_are_for_kube_system_only(string className)
    {
        var ns = await fixture.NewNamespaceAsync();
        var (code, status) = await ApiServerFixture.FailureAsync(() => fixture.Client.CoreV1.CreateNamespacedPodAsync(Pod("a", className), ns));
        Assert.Equal(403, code);
        Assert.Equal($"pods \"a\" is forbidden: pods with {className} priorityClass is not permitted in {ns} namespace", (string?)status["message"]);
    }
}
