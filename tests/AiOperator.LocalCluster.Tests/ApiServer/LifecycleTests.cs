using AiOperator.LocalCluster.ApiServer;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer;

public sealed class LifecycleTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    private Kubernetes Client => fixture.Client;

    private static V1OwnerReference OwnedBy(V1Deployment owner, bool block = false) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Name = owner.Metadata.Name,
        Uid = owner.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = block,
    };

    private async Task<bool> ExistsAsync(Func<Task> read)
    {
        try
        {
            await read();
            return true;
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    [Fact]
    public async Task An_object_with_finalizers_stays_until_they_are_removed()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "held", Finalizers = ["example.com/hold"] } }, ns);
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("held", ns);
        var held = await Client.CoreV1.ReadNamespacedConfigMapAsync("held", ns);
        Assert.NotNull(held.Metadata.DeletionTimestamp);

        held.Metadata.Finalizers.Add("example.com/another");
        var (code, status) = await ApiServerFixture.FailureAsync(() => Client.CoreV1.ReplaceNamespacedConfigMapAsync(held, "held", ns));
        Assert.Equal(422, code);
        Assert.Contains("no new finalizers", (string?)status["message"], StringComparison.Ordinal);

        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), "held", ns);
        Assert.False(await ExistsAsync(() => Client.CoreV1.ReadNamespacedConfigMapAsync("held", ns)));
    }

    [Fact]
    public async Task Background_deletion_removes_dependents_after_the_owner()
    {
        var ns = await fixture.NewNamespaceAsync();
        var owner = await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.Simple("web", 1), ns);
        await Client.CoreV1.CreateNamespacedPodAsync(Pods.Simple("child", null, [OwnedBy(owner)]), ns);
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "unrelated" } }, ns);

        await Client.AppsV1.DeleteNamespacedDeploymentAsync("web", ns, propagationPolicy: "Background");

        Assert.False(await ExistsAsync(() => Client.AppsV1.ReadNamespacedDeploymentAsync("web", ns)));
        Assert.False(await ExistsAsync(() => Client.CoreV1.ReadNamespacedPodAsync("child", ns)));
        Assert.True(await ExistsAsync(() => Client.CoreV1.ReadNamespacedConfigMapAsync("unrelated", ns)));
    }

    [Fact]
    public async Task A_dependent_created_after_its_owner_was_deleted_is_collected()
    {
        var ns = await fixture.NewNamespaceAsync();
        var owner = await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.Simple("late-owner", 1), ns);
        await Client.AppsV1.DeleteNamespacedDeploymentAsync("late-owner", ns);

        // Like a controller acting on a stale cache: the create succeeds, then the garbage collector removes it.
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "late", OwnerReferences = [OwnedBy(owner)] } }, ns);
        Assert.False(await ExistsAsync(() => Client.CoreV1.ReadNamespacedConfigMapAsync("late", ns)));

        var living = await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.Simple("living-owner", 1), ns);
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "kept", OwnerReferences = [OwnedBy(living)] } }, ns);
        Assert.True(await ExistsAsync(() => Client.CoreV1.ReadNamespacedConfigMapAsync("kept", ns)));
    }

    [Fact]
    public async Task Orphan_deletion_keeps_dependents_and_strips_their_owner_reference()
    {
        var ns = await fixture.NewNamespaceAsync();
        var owner = await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.Simple("web", 1), ns);
        await Client.CoreV1.CreateNamespacedPodAsync(Pods.Simple("child", null, [OwnedBy(owner)]), ns);

        await Client.AppsV1.DeleteNamespacedDeploymentAsync("web", ns, propagationPolicy: "Orphan");

        Assert.False(await ExistsAsync(() => Client.AppsV1.ReadNamespacedDeploymentAsync("web", ns)));
        var child = await Client.CoreV1.ReadNamespacedPodAsync("child", ns);
        Assert.Null(child.Metadata.OwnerReferences);
    }

    [Fact]
    public async Task Foreground_deletion_keeps_the_owner_until_blocking_dependents_are_gone()
    {
        var ns = await fixture.NewNamespaceAsync();
        var owner = await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.Simple("web", 1), ns);
        var child = Pods.Simple("child", null, [OwnedBy(owner, block: true)]);
        child.Metadata.Finalizers = ["example.com/slow"];
        await Client.CoreV1.CreateNamespacedPodAsync(child, ns);

        await Client.AppsV1.DeleteNamespacedDeploymentAsync("web", ns, propagationPolicy: "Foreground");

        var deleting = await Client.AppsV1.ReadNamespacedDeploymentAsync("web", ns);
        Assert.NotNull(deleting.Metadata.DeletionTimestamp);
        Assert.Contains("foregroundDeletion", deleting.Metadata.Finalizers);
        var dependent = await Client.CoreV1.ReadNamespacedPodAsync("child", ns);
        Assert.NotNull(dependent.Metadata.DeletionTimestamp);

        await Client.CoreV1.PatchNamespacedPodAsync(new V1Patch("""{"metadata":{"finalizers":[]}}""", V1Patch.PatchType.MergePatch), "child", ns);

        Assert.False(await ExistsAsync(() => Client.CoreV1.ReadNamespacedPodAsync("child", ns)));
        Assert.False(await ExistsAsync(() => Client.AppsV1.ReadNamespacedDeploymentAsync("web", ns)));
    }

    [Fact]
    public async Task A_dependent_with_another_live_owner_survives_and_loses_only_the_dead_reference()
    {
        var ns = await fixture.NewNamespaceAsync();
        var first = await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.Simple("one", 1), ns);
        var second = await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.Simple("two", 1), ns);
        var secondRef = OwnedBy(second);
        secondRef.Controller = false;
        await Client.CoreV1.CreateNamespacedPodAsync(Pods.Simple("shared", null, [OwnedBy(first), secondRef]), ns);

        await Client.AppsV1.DeleteNamespacedDeploymentAsync("one", ns);

        var shared = await Client.CoreV1.ReadNamespacedPodAsync("shared", ns);
        Assert.Equal([second.Metadata.Uid], shared.Metadata.OwnerReferences.Select(o => o.Uid));
    }

    [Fact]
    public async Task Namespace_deletion_terminates_then_removes_everything_inside()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a" } }, ns);
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.Simple("web", 1), ns);
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "held", Finalizers = ["example.com/hold"] } }, ns);

        await Client.CoreV1.DeleteNamespaceAsync(ns);

        var terminating = await Client.CoreV1.ReadNamespaceAsync(ns);
        Assert.Equal("Terminating", terminating.Status.Phase);
        Assert.Empty((await Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items);
        Assert.Equal(["held"], (await Client.CoreV1.ListNamespacedConfigMapAsync(ns)).Items.Select(i => i.Metadata.Name));
        var (code, status) = await ApiServerFixture.FailureAsync(() => Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "late" } }, ns));
        Assert.Equal(403, code);
        Assert.Contains("is being terminated", (string?)status["message"], StringComparison.Ordinal);

        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), "held", ns);

        Assert.False(await ExistsAsync(() => Client.CoreV1.ReadNamespaceAsync(ns)));
    }

    [Fact]
    public async Task Delete_preconditions_on_uid_and_resourceVersion_are_enforced()
    {
        var ns = await fixture.NewNamespaceAsync();
        var cm = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "p" } }, ns);
        var (code, _) = await ApiServerFixture.FailureAsync(() => Client.CoreV1.DeleteNamespacedConfigMapAsync("p", ns, new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = "wrong" } }));
        Assert.Equal(409, code);
        (code, _) = await ApiServerFixture.FailureAsync(() => Client.CoreV1.DeleteNamespacedConfigMapAsync("p", ns, new V1DeleteOptions { Preconditions = new V1Preconditions { ResourceVersion = "1" } }));
        Assert.Equal(409, code);
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("p", ns, new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = cm.Metadata.Uid, ResourceVersion = cm.Metadata.ResourceVersion } });
        Assert.False(await ExistsAsync(() => Client.CoreV1.ReadNamespacedConfigMapAsync("p", ns)));
    }

    [Fact]
    public async Task A_delete_answers_with_the_object_where_kube_apiserver_does_and_with_a_Status_elsewhere()
    {
        // Typed clients decode the answer as the API's OpenAPI says: a V1Service for services, a V1Status for config maps.
        var ns = await fixture.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedServiceAsync(new V1Service { Metadata = new V1ObjectMeta { Name = "svc" }, Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }] } }, ns);
        var service = await Client.CoreV1.DeleteNamespacedServiceAsync("svc", ns);
        Assert.Equal(("Service", "svc"), (service.Kind, service.Metadata.Name));
        await Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "sa" } }, ns);
        Assert.Equal("sa", (await Client.CoreV1.DeleteNamespacedServiceAccountAsync("sa", ns)).Metadata.Name);

        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm" } }, ns);
        var status = await Client.CoreV1.DeleteNamespacedConfigMapAsync("cm", ns);
        Assert.Equal(("Status", "Success", "cm", "configmaps"), (status.Kind, status.Status, status.Details.Name, status.Details.Kind));

        // Custom resources: a Success Status naming the resource (apiextensions' store does not return the deleted object).
        await TestCrds.RegisterAsync(Client);
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(TestCrds.Widget("w", ns), TestCrds.Group, TestCrds.Version, ns, TestCrds.Plural);
        var deleted = ApiServerFixture.ToJson(await Client.CustomObjects.DeleteNamespacedCustomObjectAsync(TestCrds.Group, TestCrds.Version, ns, TestCrds.Plural, "w"));
        Assert.Equal(("Status", "Success", "w", TestCrds.Plural, TestCrds.Group),
            ((string?)deleted["kind"], (string?)deleted["status"], (string?)deleted["details"]!["name"], (string?)deleted["details"]!["kind"], (string?)deleted["details"]!["group"]));
    }

    [Fact]
    public async Task Delete_collection_removes_only_selected_objects()
    {
        var ns = await fixture.NewNamespaceAsync();
        foreach (var (name, app) in new[] { ("a", "x"), ("b", "x"), ("c", "y") })
        {
            await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = app } } }, ns);
        }

        await Client.CoreV1.DeleteCollectionNamespacedConfigMapAsync(ns, labelSelector: "app=x");
        Assert.Equal(["c"], (await Client.CoreV1.ListNamespacedConfigMapAsync(ns)).Items.Select(i => i.Metadata.Name));
    }

    [Fact]
    public async Task A_scheduled_pod_terminates_gracefully_and_goes_when_the_kubelet_deletes_it_with_grace_zero()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedPodAsync(Pods.Simple("running", "node-1"), ns);
        await Client.CoreV1.CreateNamespacedPodAsync(Pods.Simple("pending", null), ns);

        await Client.CoreV1.DeleteNamespacedPodAsync("pending", ns);
        Assert.False(await ExistsAsync(() => Client.CoreV1.ReadNamespacedPodAsync("pending", ns)));

        await Client.CoreV1.DeleteNamespacedPodAsync("running", ns);
        var terminating = await Client.CoreV1.ReadNamespacedPodAsync("running", ns);
        Assert.NotNull(terminating.Metadata.DeletionTimestamp);
        Assert.Equal(30, terminating.Metadata.DeletionGracePeriodSeconds);

        await Client.CoreV1.DeleteNamespacedPodAsync("running", ns, gracePeriodSeconds: 0);
        Assert.False(await ExistsAsync(() => Client.CoreV1.ReadNamespacedPodAsync("running", ns)));
    }

    [Fact]
    public async Task A_terminating_pod_no_kubelet_finishes_is_removed_when_its_grace_period_ends()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var host = await ApiServerHost.StartAsync(new ApiServerOptions { TimeProvider = time });
        using var client = new Kubernetes(host.ClientConfiguration);
        await client.CoreV1.CreateNamespacedPodAsync(Pods.Simple("slow", "node-1", grace: 20), "default");

        await client.CoreV1.DeleteNamespacedPodAsync("slow", "default");
        var pod = await client.CoreV1.ReadNamespacedPodAsync("slow", "default");
        Assert.Equal(new DateTime(2026, 1, 1, 0, 0, 20, DateTimeKind.Utc), pod.Metadata.DeletionTimestamp);

        time.Advance(TimeSpan.FromSeconds(19));
        Assert.True(await ExistsAsync(() => client.CoreV1.ReadNamespacedPodAsync("slow", "default")));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(await ExistsAsync(() => client.CoreV1.ReadNamespacedPodAsync("slow", "default")));
    }
}
