using System.Net;
using k8s;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer;

public sealed class CrudTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    private Kubernetes Client => fixture.Client;

    private static V1ConfigMap ConfigMap(string name, IDictionary<string, string>? labels = null, string value = "1") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels },
        Data = new Dictionary<string, string> { ["k"] = value },
    };

    [Fact]
    public async Task The_written_kubeconfig_loads_in_KubernetesClient()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kubeconfig-{Guid.NewGuid():N}");
        try
        {
            fixture.Host.WriteKubeconfig(path);
            var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
            using var client = new Kubernetes(config);
            Assert.Equal("default", config.Namespace);
            Assert.Equal("default", (await client.CoreV1.ReadNamespaceAsync("default")).Metadata.Name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Default_namespaces_exist_at_start()
    {
        var names = (await Client.CoreV1.ListNamespaceAsync()).Items.Select(n => n.Metadata.Name).ToList();
        Assert.Contains("default", names);
        Assert.Contains("kube-system", names);
        var ns = await Client.CoreV1.ReadNamespaceAsync("default");
        Assert.Equal("Active", ns.Status.Phase);
    }

    [Fact]
    public async Task Create_sets_uid_timestamp_generation_and_a_global_increasing_resource_version()
    {
        var ns = await fixture.NewNamespaceAsync();
        var a = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), ns);
        var b = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b"), ns);
        var svc = await Client.CoreV1.CreateNamespacedServiceAsync(new V1Service { Metadata = new V1ObjectMeta { Name = "s" }, Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }] } }, ns);

        Assert.False(string.IsNullOrEmpty(a.Metadata.Uid));
        Assert.NotEqual(a.Metadata.Uid, b.Metadata.Uid);
        Assert.NotNull(a.Metadata.CreationTimestamp);
        Assert.Equal(1, a.Metadata.Generation);
        Assert.True(long.Parse(b.Metadata.ResourceVersion) > long.Parse(a.Metadata.ResourceVersion));
        Assert.True(long.Parse(svc.Metadata.ResourceVersion) > long.Parse(b.Metadata.ResourceVersion));
        var read = await Client.CoreV1.ReadNamespacedConfigMapAsync("a", ns);
        Assert.Equal(a.Metadata.ResourceVersion, read.Metadata.ResourceVersion);
        Assert.Equal("1", read.Data["k"]);
    }

    [Fact]
    public async Task Create_twice_is_409_AlreadyExists_and_generateName_makes_unique_names()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("dup"), ns);
        var (code, status) = await ApiServerFixture.FailureAsync(() => Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("dup"), ns));
        Assert.Equal(409, code);
        Assert.Equal("AlreadyExists", (string?)status["reason"]);
        Assert.Equal("configmaps \"dup\" already exists", (string?)status["message"]);
        Assert.Equal("dup", (string?)status["details"]!["name"]);

        var generated = new V1ConfigMap { Metadata = new V1ObjectMeta { GenerateName = "gen-" } };
        var first = await Client.CoreV1.CreateNamespacedConfigMapAsync(generated, ns);
        var second = await Client.CoreV1.CreateNamespacedConfigMapAsync(generated, ns);
        Assert.StartsWith("gen-", first.Metadata.Name, StringComparison.Ordinal);
        Assert.Equal(9, first.Metadata.Name.Length);
        Assert.NotEqual(first.Metadata.Name, second.Metadata.Name);
    }

    [Fact]
    public async Task Get_of_a_missing_object_is_a_NotFound_Status_naming_group_and_resource()
    {
        var ns = await fixture.NewNamespaceAsync();
        var (code, status) = await ApiServerFixture.FailureAsync(() => Client.AppsV1.ReadNamespacedDeploymentAsync("nope", ns));
        Assert.Equal(404, code);
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal("v1", (string?)status["apiVersion"]);
        Assert.Equal("Failure", (string?)status["status"]);
        Assert.Equal("NotFound", (string?)status["reason"]);
        Assert.Equal("deployments.apps \"nope\" not found", (string?)status["message"]);
        Assert.Equal("apps", (string?)status["details"]!["group"]);
        Assert.Equal("deployments", (string?)status["details"]!["kind"]);
        Assert.Equal(404, (int)status["code"]!);
    }

    [Fact]
    public async Task Update_with_a_stale_resourceVersion_is_409_Conflict_and_without_one_is_unconditional()
    {
        var ns = await fixture.NewNamespaceAsync();
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("cm"), ns);
        created.Data["k"] = "2";
        var updated = await Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "cm", ns);
        Assert.True(long.Parse(updated.Metadata.ResourceVersion) > long.Parse(created.Metadata.ResourceVersion));

        created.Data["k"] = "3";
        var (code, status) = await ApiServerFixture.FailureAsync(() => Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "cm", ns));
        Assert.Equal(409, code);
        Assert.Equal("Conflict", (string?)status["reason"]);
        Assert.Contains("the object has been modified", (string?)status["message"], StringComparison.Ordinal);

        created.Metadata.ResourceVersion = null;
        var forced = await Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "cm", ns);
        Assert.Equal("3", forced.Data["k"]);
    }

    [Fact]
    public async Task An_update_that_changes_nothing_keeps_the_resourceVersion()
    {
        var ns = await fixture.NewNamespaceAsync();
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("same"), ns);
        var again = await Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "same", ns);
        Assert.Equal(created.Metadata.ResourceVersion, again.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Generation_moves_on_spec_changes_only_and_status_goes_through_the_subresource()
    {
        var ns = await fixture.NewNamespaceAsync();
        var deployment = await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.Simple("web", 2), ns);
        Assert.Equal(1, deployment.Metadata.Generation);
        Assert.Null(deployment.Status?.Replicas);

        deployment.Metadata.Labels = new Dictionary<string, string> { ["tier"] = "front" };
        deployment = await Client.AppsV1.ReplaceNamespacedDeploymentAsync(deployment, "web", ns);
        Assert.Equal(1, deployment.Metadata.Generation);

        deployment.Spec.Replicas = 3;
        deployment.Status = new V1DeploymentStatus { Replicas = 99 };
        deployment = await Client.AppsV1.ReplaceNamespacedDeploymentAsync(deployment, "web", ns);
        Assert.Equal(2, deployment.Metadata.Generation);
        Assert.Null(deployment.Status?.Replicas); // main endpoint ignores status

        deployment.Status = new V1DeploymentStatus { Replicas = 3, ReadyReplicas = 1, ObservedGeneration = 2 };
        deployment.Spec.Replicas = 7;
        var afterStatus = await Client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(deployment, "web", ns);
        Assert.Equal(3, afterStatus.Status.Replicas);
        Assert.Equal(3, afterStatus.Spec.Replicas); // status endpoint ignores spec
        Assert.Equal(2, afterStatus.Metadata.Generation);
    }

    [Fact]
    public async Task Server_defaults_are_filled_in_and_resending_the_undefaulted_object_is_a_no_op()
    {
        var ns = await fixture.NewNamespaceAsync();
        var created = await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.Simple("web", 2), ns);
        Assert.Equal(10, created.Spec.RevisionHistoryLimit);
        Assert.Equal("RollingUpdate", created.Spec.Strategy.Type);
        Assert.Equal("IfNotPresent", created.Spec.Template.Spec.Containers[0].ImagePullPolicy);
        Assert.Equal("TCP", created.Spec.Template.Spec.Containers[0].Ports[0].Protocol);

        var again = await Client.AppsV1.ReplaceNamespacedDeploymentAsync(Deployments.Simple("web", 2), "web", ns);
        Assert.Equal(created.Metadata.ResourceVersion, again.Metadata.ResourceVersion);
        Assert.Equal(1, again.Metadata.Generation);
    }

    [Fact]
    public async Task Scale_subresource_reads_and_writes_replicas()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.Simple("web", 2), ns);
        var scale = await Client.AppsV1.ReadNamespacedDeploymentScaleAsync("web", ns);
        Assert.Equal(2, scale.Spec.Replicas);
        Assert.Equal("app=web", scale.Status.Selector);

        scale.Spec.Replicas = 5;
        var written = await Client.AppsV1.ReplaceNamespacedDeploymentScaleAsync(scale, "web", ns);
        Assert.Equal(5, written.Spec.Replicas);
        var deployment = await Client.AppsV1.ReadNamespacedDeploymentAsync("web", ns);
        Assert.Equal(5, deployment.Spec.Replicas);
        Assert.Equal(2, deployment.Metadata.Generation);

        var (code, _) = await ApiServerFixture.FailureAsync(() => Client.AppsV1.ReplaceNamespacedDeploymentScaleAsync(scale, "web", ns));
        Assert.Equal(409, code); // the Scale carried the old resourceVersion
    }

    [Fact]
    public async Task Patches_merge_json_and_strategic_with_merge_keys()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.Simple("web", 1), ns);

        await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"metadata":{"labels":{"a":"1"}}}""", V1Patch.PatchType.MergePatch), "web", ns);
        await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""[{"op":"replace","path":"/spec/replicas","value":4}]""", V1Patch.PatchType.JsonPatch), "web", ns);
        // Strategic merge: the container list merges by name, env by name, so nothing else is lost.
        var smp = """{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"web:2","env":[{"name":"B","value":"2"}]},{"name":"sidecar","image":"side:1"}]}}}}""";
        var patched = await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(smp, V1Patch.PatchType.StrategicMergePatch), "web", ns);

        Assert.Equal("1", patched.Metadata.Labels["a"]);
        Assert.Equal(4, patched.Spec.Replicas);
        var containers = patched.Spec.Template.Spec.Containers;
        Assert.Equal(["web", "sidecar"], containers.Select(c => c.Name));
        Assert.Equal("web:2", containers[0].Image);
        Assert.Equal(["A", "B"], containers[0].Env.Select(e => e.Name));
        Assert.Equal(80, containers[0].Ports.Single().ContainerPort);

        var delete = """{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}}""";
        patched = await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(delete, V1Patch.PatchType.StrategicMergePatch), "web", ns);
        Assert.Equal(["web"], patched.Spec.Template.Spec.Containers.Select(c => c.Name));
    }

    [Fact]
    public async Task A_failed_json_patch_test_is_422_and_changes_nothing()
    {
        var ns = await fixture.NewNamespaceAsync();
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("cm"), ns);
        var patch = new V1Patch("""[{"op":"test","path":"/data/k","value":"other"},{"op":"replace","path":"/data/k","value":"x"}]""", V1Patch.PatchType.JsonPatch);
        var (code, _) = await ApiServerFixture.FailureAsync(() => Client.CoreV1.PatchNamespacedConfigMapAsync(patch, "cm", ns));
        Assert.Equal(422, code);
        var read = await Client.CoreV1.ReadNamespacedConfigMapAsync("cm", ns);
        Assert.Equal("1", read.Data["k"]);
        Assert.Equal(created.Metadata.ResourceVersion, read.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Server_side_apply_records_managers_and_reports_conflicts_unless_forced()
    {
        var ns = await fixture.NewNamespaceAsync();
        var applied = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa"},"data":{"owned":"a","shared":"1"}}""";
        var first = await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(applied, V1Patch.PatchType.ApplyPatch), "ssa", ns, fieldManager: "alice");
        Assert.Equal("a", first.Data["owned"]);
        Assert.Contains(first.Metadata.ManagedFields, m => m.Manager == "alice" && m.Operation == "Apply");

        var bob = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa"},"data":{"shared":"2"}}""";
        var (code, status) = await ApiServerFixture.FailureAsync(() =>
            Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(bob, V1Patch.PatchType.ApplyPatch), "ssa", ns, fieldManager: "bob"));
        Assert.Equal(409, code);
        Assert.Contains("conflict with \"alice\"", (string?)status["message"], StringComparison.Ordinal);
        Assert.Equal(".data.shared", (string?)status["details"]!["causes"]![0]!["field"]);

        var forced = await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(bob, V1Patch.PatchType.ApplyPatch), "ssa", ns, fieldManager: "bob", force: true);
        Assert.Equal("2", forced.Data["shared"]);
        Assert.Equal("a", forced.Data["owned"]);

        // alice stops applying "owned": it is removed because nobody else owns it.
        var aliceAgain = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa"},"data":{}}""";
        var pruned = await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(aliceAgain, V1Patch.PatchType.ApplyPatch), "ssa", ns, fieldManager: "alice");
        Assert.False(pruned.Data.ContainsKey("owned"));
        Assert.Equal("2", pruned.Data["shared"]);
    }

    // What informers that drop managedFields (kube-controller-manager's, the simulated components') rely
    // on: an update whose body has no managedFields keeps the stored ones and adds the writer's.
    [Fact]
    public async Task An_update_without_managed_fields_keeps_the_stored_ones()
    {
        var ns = await fixture.NewNamespaceAsync();
        var configMap = ConfigMap("kept");
        configMap.Data["untouched"] = "x";
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(configMap, ns, fieldManager: "creator");
        Assert.Contains(created.Metadata.ManagedFields, m => m.Manager == "creator");

        created.Metadata.ManagedFields = null;
        created.Data["k"] = "2";
        var updated = await Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "kept", ns, fieldManager: "editor");
        Assert.Contains(updated.Metadata.ManagedFields, m => m.Manager == "creator" && m.Operation == "Update");
        Assert.Contains(updated.Metadata.ManagedFields, m => m.Manager == "editor" && m.Operation == "Update");
    }

    [Fact]
    public async Task Dry_run_answers_like_a_write_but_stores_nothing()
    {
        var ns = await fixture.NewNamespaceAsync();
        var answer = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("dry"), ns, dryRun: "All");
        Assert.Equal("dry", answer.Metadata.Name);
        var (code, _) = await ApiServerFixture.FailureAsync(() => Client.CoreV1.ReadNamespacedConfigMapAsync("dry", ns));
        Assert.Equal(404, code);
    }

    [Fact]
    public async Task Cluster_scoped_and_namespaced_paths_are_kept_apart()
    {
        var ns = await fixture.NewNamespaceAsync();
        var node = await Client.CoreV1.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = $"node-{ns}" }, Status = new V1NodeStatus { Capacity = new Dictionary<string, ResourceQuantity> { ["nvidia.com/gpu"] = new("8") } } });
        Assert.Null(node.Metadata.NamespaceProperty);
        Assert.Equal("8", node.Status.Capacity["nvidia.com/gpu"].ToString()); // nodes keep the status they register with
        var response = await fixture.Http.GetAsync(new Uri($"/api/v1/namespaces/{ns}/nodes/node-{ns}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        var (code, status) = await ApiServerFixture.FailureAsync(() => Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "no-such-namespace"));
        Assert.Equal(404, code);
        Assert.Equal("namespaces \"no-such-namespace\" not found", (string?)status["message"]);
    }

    [Fact]
    public async Task Every_required_builtin_kind_is_served()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s" }, StringData = new Dictionary<string, string> { ["a"] = "b" } }, ns);
        await Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "sa" } }, ns);
        await Client.CoreV1.CreateNamespacedEndpointsAsync(new V1Endpoints { Metadata = new V1ObjectMeta { Name = "ep" } }, ns);
        await Client.CoreV1.CreateNamespacedEventAsync(new Corev1Event { Metadata = new V1ObjectMeta { Name = "ev" }, InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "p" }, Reason = "Test" }, ns);
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(new V1PersistentVolumeClaim { Metadata = new V1ObjectMeta { Name = "pvc" }, Spec = new V1PersistentVolumeClaimSpec() }, ns);
        await Client.EventsV1.CreateNamespacedEventAsync(new Eventsv1Event { Metadata = new V1ObjectMeta { Name = "ev2" }, EventTime = DateTime.UtcNow, Reason = "Test" }, ns);
        await Client.DiscoveryV1.CreateNamespacedEndpointSliceAsync(new V1EndpointSlice { Metadata = new V1ObjectMeta { Name = "es" }, AddressType = "IPv4", Endpoints = [] }, ns);
        await Client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease { Metadata = new V1ObjectMeta { Name = "lease" }, Spec = new V1LeaseSpec { HolderIdentity = "me" } }, ns);
        await Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(new V1PodDisruptionBudget { Metadata = new V1ObjectMeta { Name = "pdb" }, Spec = new V1PodDisruptionBudgetSpec { MaxUnavailable = 1 } }, ns);
        await Client.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(new V2HorizontalPodAutoscaler { Metadata = new V1ObjectMeta { Name = "hpa" }, Spec = new V2HorizontalPodAutoscalerSpec { MaxReplicas = 3, ScaleTargetRef = new V2CrossVersionObjectReference { Kind = "Deployment", Name = "web" } } }, ns);
        await Client.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role { Metadata = new V1ObjectMeta { Name = "r" } }, ns);
        await Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding { Metadata = new V1ObjectMeta { Name = "rb" }, RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "r" } }, ns);
        await Client.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole { Metadata = new V1ObjectMeta { Name = $"cr-{ns}" } });
        await Client.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding { Metadata = new V1ObjectMeta { Name = $"crb-{ns}" }, RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = $"cr-{ns}" } });
        await Client.AppsV1.CreateNamespacedReplicaSetAsync(new V1ReplicaSet { Metadata = new V1ObjectMeta { Name = "rs" }, Spec = new V1ReplicaSetSpec
        {
            Replicas = 1,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["a"] = "b" } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["a"] = "b" } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "busybox" }] },
            },
        } }, ns);

        Assert.Equal("me", (await Client.CoordinationV1.ReadNamespacedLeaseAsync("lease", ns)).Spec.HolderIdentity);
        Assert.Equal(3, (await Client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync("hpa", ns)).Spec.MaxReplicas);
        Assert.Equal(1, (await Client.AppsV1.ReadNamespacedReplicaSetScaleAsync("rs", ns)).Spec.Replicas);
        Assert.Single((await Client.EventsV1.ListNamespacedEventAsync(ns)).Items);
        Assert.Single((await Client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: "involvedObject.name=p")).Items);
        Assert.Empty((await Client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: "involvedObject.name=q")).Items);
    }
}
