using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Reconciliation;
using k8s;
using k8s.Models;

namespace AiOperator.Operator.Tests.Integration;

[Collection(OperatorClusterCollection.Name)]
public sealed class DeployPathTests(OperatorCluster fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Replicas_a_gpu_quota_refuses_are_reported_in_the_quotas_words_and_come_up_once_it_allows()
    {
        var ns = await fixture.NewNamespaceAsync("quota");
        await using var op = RunningOperator.Start(fixture.Config, "quota", namespaces: [ns]);
        await fixture.Client.CoreV1.CreateNamespacedResourceQuotaAsync(new V1ResourceQuota
        {
            Metadata = new V1ObjectMeta { Name = "gpus" },
            Spec = new V1ResourceQuotaSpec { Hard = new Dictionary<string, ResourceQuantity> { ["requests.nvidia.com/gpu"] = new("1") } },
        }, ns);
        var sample = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "config", "samples", "aioperator_v1alpha1_modeldeployment_gpu.yaml"));
        var file = Path.Combine(Path.GetTempPath(), $"{ns}-resnet.yaml");
        await File.WriteAllTextAsync(file, sample.Replace("namespace: vision", $"namespace: {ns}", StringComparison.Ordinal));
        var (code, output) = await Kubectl.RunAsync(fixture.Cluster.KubeconfigPath, "apply", "-f", file);
        Assert.True(code == 0, output);

        using var mds = new ModelDeploymentClient(fixture.Client);
        V1Condition? progressing = null;
        await Wait.UntilAsync(async () =>
        {
            progressing = Conditions.Find((await mds.GetAsync(ns, "resnet")).Status?.Conditions, "Progressing");
            return progressing?.Reason == "FailedCreate";
        }, Deadline, "Progressing=FailedCreate");
        Assert.Contains("pods cannot be created: Error creating: pods \"resnet-3-", progressing!.Message, StringComparison.Ordinal);
        Assert.Contains("exceeded quota: gpus, requested: requests.nvidia.com/gpu=1, used: requests.nvidia.com/gpu=1, limited: requests.nvidia.com/gpu=1", progressing.Message, StringComparison.Ordinal);

        await fixture.Client.CoreV1.PatchNamespacedResourceQuotaAsync(
            new V1Patch("""{"spec":{"hard":{"requests.nvidia.com/gpu":"2"}}}""", V1Patch.PatchType.MergePatch), "gpus", ns);
        await Wait.UntilAsync(async () => (await mds.GetAsync(ns, "resnet")).Status?.Phase == ModelDeploymentPhase.Ready, Deadline, "Ready once the quota allows");
        Assert.DoesNotContain((await mds.GetAsync(ns, "resnet")).Status!.Conditions!, c => c.Reason == "FailedCreate");
    }

    [Fact]
    public async Task Applied_sample_gets_its_children_becomes_ready_for_kubectl_wait_and_is_collected_on_delete()
    {
        var ns = await fixture.NewNamespaceAsync("deploy");
        await using var op = RunningOperator.Start(fixture.Config, "solo", namespaces: [ns]);
        var kubeconfig = fixture.Cluster.KubeconfigPath;

        var sample = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "config", "samples", "aioperator_v1alpha1_modeldeployment_gpu.yaml"));
        var file = Path.Combine(Path.GetTempPath(), $"{ns}-resnet.yaml");
        await File.WriteAllTextAsync(file, sample.Replace("namespace: vision", $"namespace: {ns}", StringComparison.Ordinal));
        var (code, output) = await Kubectl.RunAsync(kubeconfig, "apply", "-f", file);
        Assert.True(code == 0, output);

        var (waitCode, waitOutput) = await Kubectl.RunAsync(kubeconfig, "wait", "--for=condition=Ready", "mdep/resnet", "-n", ns, "--timeout=90s");
        Assert.True(waitCode == 0, waitOutput);

        var deployment = Assert.Single((await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items);
        Assert.StartsWith("resnet-3-", deployment.Metadata.Name, StringComparison.Ordinal);
        Assert.Equal(2, deployment.Spec.Replicas);
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        Assert.Equal("1", container.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Equal("NVIDIA-H100-80GB-HBM3", deployment.Spec.Template.Spec.NodeSelector["nvidia.com/gpu.product"]);
        Assert.Equal("/v2/models/resnet18/ready", container.ReadinessProbe.HttpGet.Path);
        Assert.True(deployment.Metadata.OwnerReferences.Single().Controller);

        var service = await fixture.Client.CoreV1.ReadNamespacedServiceAsync("resnet", ns);
        Assert.Equal(80, service.Spec.Ports.Single(p => p.Name == "http").Port);
        var pdb = await fixture.Client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("resnet", ns);
        Assert.Equal("1", pdb.Spec.MaxUnavailable.Value);

        using var mds = new ModelDeploymentClient(fixture.Client);
        var md = await mds.GetAsync(ns, "resnet");
        Assert.Equal(ModelDeploymentPhase.Ready, md.Status!.Phase);
        Assert.Equal(md.Metadata.Generation, md.Status.ObservedGeneration);
        Assert.Equal("2/2", md.Status.Ready);
        Assert.Equal(deployment.Metadata.Name, "resnet-" + md.Status.StableRevision);
        Assert.True(Conditions.IsTrue(md.Status.Conditions, "ModelLoaded"));

        var (getCode, table) = await Kubectl.RunAsync(kubeconfig, "get", "mdep", "-n", ns);
        Assert.True(getCode == 0, table);
        Assert.Matches(@"resnet\s+resnet18\s+3\s+Ready\s+2/2\s+0", table);
        var (wideCode, wide) = await Kubectl.RunAsync(kubeconfig, "get", "mdep", "-n", ns, "-o", "wide");
        Assert.True(wideCode == 0, wide);
        Assert.Contains("STABLE", wide, StringComparison.Ordinal);
        Assert.Contains(md.Status.StableRevision!, wide, StringComparison.Ordinal);

        var (deleteCode, deleteOutput) = await Kubectl.RunAsync(kubeconfig, "delete", "mdep", "resnet", "-n", ns, "--timeout=60s");
        Assert.True(deleteCode == 0, deleteOutput);
        var left = "";
        var collected = Wait.UntilAsync(async () =>
        {
            var remaining = (await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items.Select(o => "deployment/" + o.Metadata.Name)
                .Concat((await fixture.Client.AppsV1.ListNamespacedReplicaSetAsync(ns)).Items.Select(o => "replicaset/" + o.Metadata.Name))
                .Concat((await fixture.Client.CoreV1.ListNamespacedServiceAsync(ns)).Items.Select(o => "service/" + o.Metadata.Name))
                .Concat((await fixture.Client.PolicyV1.ListNamespacedPodDisruptionBudgetAsync(ns)).Items.Select(o => "pdb/" + o.Metadata.Name))
                .Concat((await fixture.Client.CoreV1.ListNamespacedPodAsync(ns)).Items.Select(o => $"pod/{o.Metadata.Name}({o.Status?.Phase},deleting={o.Metadata.DeletionTimestamp is not null})"))
                .ToList();
            left = string.Join(", ", remaining);
            return remaining.Count == 0;
        }, Deadline, "children garbage-collected");
        try
        {
            await collected;
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; left: {left}", e);
        }
    }

    [Fact]
    public async Task Kubectl_scale_goes_through_the_scale_subresource_to_the_deployment()
    {
        var ns = await fixture.NewNamespaceAsync("scale");
        await using var op = RunningOperator.Start(fixture.Config, "solo", namespaces: [ns]);
        using var mds = new ModelDeploymentClient(fixture.Client);
        await mds.CreateAsync(ModelDeploymentClient.New(ns, "m", replicas: 1));
        await WaitReadyAsync(mds, ns, "m", 1);

        var (code, output) = await Kubectl.RunAsync(fixture.Cluster.KubeconfigPath, "scale", "mdep/m", "--replicas=3", "-n", ns);
        Assert.True(code == 0, output);
        await WaitReadyAsync(mds, ns, "m", 3);
        Assert.Equal(3, Assert.Single((await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items).Spec.Replicas);
        await fixture.Client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("m", ns);
    }

    [Fact]
    public async Task Hand_edits_to_owned_children_are_put_back()
    {
        var ns = await fixture.NewNamespaceAsync("drift");
        await using var op = RunningOperator.Start(fixture.Config, "solo", namespaces: [ns]);
        using var mds = new ModelDeploymentClient(fixture.Client);
        await mds.CreateAsync(ModelDeploymentClient.New(ns, "m", replicas: 1));
        await WaitReadyAsync(mds, ns, "m", 1);
        var deployment = Assert.Single((await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items);
        var image = deployment.Spec.Template.Spec.Containers.Single().Image;

        // What `kubectl set image` and `kubectl scale deploy` would do behind the operator's back.
        var edit = """{"spec":{"replicas":4,"template":{"spec":{"containers":[{"name":"model-server","image":"example.com/other:1"}]}}}}""";
        await fixture.Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(edit, V1Patch.PatchType.StrategicMergePatch), deployment.Metadata.Name, ns);
        var servicePatch = """{"spec":{"ports":[{"name":"http","port":9999,"targetPort":"http","protocol":"TCP"}]}}""";
        await fixture.Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch(servicePatch, V1Patch.PatchType.MergePatch), "m", ns);

        await Wait.UntilAsync(async () =>
        {
            var current = await fixture.Client.AppsV1.ReadNamespacedDeploymentAsync(deployment.Metadata.Name, ns);
            var service = await fixture.Client.CoreV1.ReadNamespacedServiceAsync("m", ns);
            // Two spec changes since the first read: the hand edit, then the operator's repair.
            return current.Metadata.Generation >= deployment.Metadata.Generation + 2
                && current.Spec.Replicas == 1 && current.Spec.Template.Spec.Containers.Single().Image == image && service.Spec.Ports.Single(p => p.Name == "http").Port == 80;
        }, Deadline, "the Deployment's replicas and image and the Service's port restored");
        Assert.Single((await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items);
    }

    internal static async Task<ModelDeployment> WaitReadyAsync(ModelDeploymentClient mds, string ns, string name, int replicas)
    {
        ModelDeployment? md = null;
        await Wait.UntilAsync(async () =>
        {
            md = await mds.GetAsync(ns, name);
            return md.Status?.Phase == ModelDeploymentPhase.Ready && md.Status.ReadyReplicas == replicas && md.Status.ObservedGeneration == md.Metadata.Generation;
        }, Deadline, $"{ns}/{name} Ready with {replicas} replicas");
        return md!;
    }

    internal static string RepositoryRoot() => AiOperator.Testing.ProjectBuilds.RepositoryRoot();
}
