using AiOperator.LocalCluster.Tests.ApiServer;
using k8s;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Kubectl;

// The real kubectl 1.32 against the local API server: what cluster admins will type.
public sealed class KubectlTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>, IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly KubectlRunner _kubectl = new(fixture.Host);

    public void Dispose() => _kubectl.Dispose();

    private static string Manifests(string ns, int replicas) => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: {ns}
          labels: {"{"}app: web{"}"}
        spec:
          replicas: {replicas}
          selector:
            matchLabels: {"{"}app: web{"}"}
          template:
            metadata:
              labels: {"{"}app: web{"}"}
            spec:
              containers:
              - name: web
                image: nginx:1
                ports: [{"{"}containerPort: 80{"}"}]
        """;

    private async Task<string> RegisterCrdAsync()
    {
        var path = _kubectl.WriteFile("crd/widgets.yaml", TestCrds.Yaml);
        var result = await _kubectl.RunAsync("apply", "-f", path);
        Assert.True(result.ExitCode == 0, result.All);
        var wait = await _kubectl.RunAsync("wait", "--for=condition=Established", $"crd/widgets.{TestCrds.Group}", "--timeout=20s");
        Assert.True(wait.ExitCode == 0, wait.All);
        Assert.Contains("condition met", wait.Stdout, StringComparison.Ordinal);
        return path;
    }

    private string Widget(string ns, string name, string size, int replicas) => _kubectl.WriteFile($"widgets/{ns}-{name}.yaml", $"""
        apiVersion: {TestCrds.Group}/v1
        kind: Widget
        metadata:
          name: {name}
          namespace: {ns}
        spec:
          size: {size}
          replicas: {replicas}
        """);

    [Fact]
    public async Task Quotas_claims_service_accounts_and_endpoints_print_kubectls_columns()
    {
        var ns = await fixture.NewNamespaceAsync();
        var quota = await fixture.Client.CoreV1.CreateNamespacedResourceQuotaAsync(new k8s.Models.V1ResourceQuota
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "gpus" },
            Spec = new k8s.Models.V1ResourceQuotaSpec { Hard = new Dictionary<string, k8s.Models.ResourceQuantity> { ["requests.nvidia.com/gpu"] = new("4"), ["pods"] = new("10"), ["limits.memory"] = new("8Gi") } },
        }, ns);
        quota.Status = new k8s.Models.V1ResourceQuotaStatus
        {
            Hard = quota.Spec.Hard,
            Used = new Dictionary<string, k8s.Models.ResourceQuantity> { ["requests.nvidia.com/gpu"] = new("1"), ["pods"] = new("2"), ["limits.memory"] = new("1Gi") },
        };
        await fixture.Client.CoreV1.ReplaceNamespacedResourceQuotaStatusAsync(quota, "gpus", ns);
        await fixture.Client.CoreV1.CreateNamespacedServiceAccountAsync(new k8s.Models.V1ServiceAccount { Metadata = new k8s.Models.V1ObjectMeta { Name = "runner" } }, ns);
        await fixture.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(new k8s.Models.V1PersistentVolumeClaim
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "models" },
            Spec = new k8s.Models.V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteMany"],
                Resources = new k8s.Models.V1VolumeResourceRequirements { Requests = new Dictionary<string, k8s.Models.ResourceQuantity> { ["storage"] = new("10Gi") } },
            },
        }, ns);

        var quotas = (await _kubectl.RunAsync("get", "quota", "-n", ns)).EnsureSuccess().Stdout;
        var accounts = (await _kubectl.RunAsync("get", "sa", "runner", "-n", ns)).EnsureSuccess().Stdout;
        var claims = (await _kubectl.RunAsync("get", "pvc", "-n", ns)).EnsureSuccess().Stdout;

        Assert.Matches(@"NAME\s+AGE\s+REQUEST\s+LIMIT", quotas);
        Assert.Contains("pods: 2/10, requests.nvidia.com/gpu: 1/4   limits.memory: 1Gi/8Gi", quotas, StringComparison.Ordinal);
        Assert.Matches(@"runner\s+0\s+", accounts);
        Assert.Matches(@"NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS", claims);
        Assert.Matches(@"models\s+Pending\s+", claims);
    }

    [Fact]
    public async Task Apply_a_folder_then_reapply_reports_unchanged_and_configured()
    {
        var ns = await fixture.NewNamespaceAsync();
        _kubectl.WriteFile($"app-{ns}/deployment.yaml", Manifests(ns, 2));
        _kubectl.WriteFile($"app-{ns}/configmap.yaml", $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: {ns}\ndata:\n  mode: fast\n");
        var folder = Path.Combine(_kubectl.Directory, $"app-{ns}");

        var first = (await _kubectl.RunAsync("apply", "-f", folder)).EnsureSuccess();
        Assert.Contains("deployment.apps/web created", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("configmap/settings created", first.Stdout, StringComparison.Ordinal);

        var again = (await _kubectl.RunAsync("apply", "-f", folder)).EnsureSuccess();
        Assert.Contains("deployment.apps/web unchanged", again.Stdout, StringComparison.Ordinal);
        Assert.Contains("configmap/settings unchanged", again.Stdout, StringComparison.Ordinal);

        _kubectl.WriteFile($"app-{ns}/deployment.yaml", Manifests(ns, 3));
        var changed = (await _kubectl.RunAsync("apply", "-f", folder)).EnsureSuccess();
        Assert.Contains("deployment.apps/web configured", changed.Stdout, StringComparison.Ordinal);
        Assert.Contains("configmap/settings unchanged", changed.Stdout, StringComparison.Ordinal);
        var deployment = await fixture.Client.AppsV1.ReadNamespacedDeploymentAsync("web", ns);
        Assert.Equal(3, deployment.Spec.Replicas);
        Assert.Equal(2, deployment.Metadata.Generation);

        var table = (await _kubectl.RunAsync("get", "deployments", "-n", ns)).EnsureSuccess();
        Assert.Matches(@"NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE", table.Stdout);
        Assert.Matches(@"web\s+0/3\s+0\s+0\s+\d+s", table.Stdout);

        var serverSide = (await _kubectl.RunAsync("apply", "--server-side", "-f", folder)).EnsureSuccess();
        Assert.Contains("serverside-applied", serverSide.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reapplying_with_fewer_list_items_removes_them()
    {
        var ns = await fixture.NewNamespaceAsync();
        string Manifest(string containers, string tolerations) => $$$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: two, namespace: {{{ns}}}}
            spec:
              selector: {matchLabels: {app: two}}
              template:
                metadata: {labels: {app: two}}
                spec:
                  containers: {{{containers}}}
                  tolerations: {{{tolerations}}}
            """;
        var path = _kubectl.WriteFile($"two-{ns}.yaml", Manifest(
            """[{name: a, image: "a:1", env: [{name: VX, value: "1"}, {name: VY, value: "2"}]}, {name: b, image: "b:1"}]""",
            "[{key: k1, operator: Exists}, {key: k2, operator: Exists}]"));
        (await _kubectl.RunAsync("apply", "-f", path)).EnsureSuccess();
        _kubectl.WriteFile($"two-{ns}.yaml", Manifest("""[{name: a, image: "a:2", env: [{name: VY, value: "2"}]}]""", "[{key: k2, operator: Exists}]"));
        (await _kubectl.RunAsync("apply", "-f", path)).EnsureSuccess();

        var spec = (await fixture.Client.AppsV1.ReadNamespacedDeploymentAsync("two", ns)).Spec.Template.Spec;
        Assert.Equal(["a"], spec.Containers.Select(c => c.Name));
        Assert.Equal("a:2", spec.Containers[0].Image);
        Assert.Equal(["VY"], spec.Containers[0].Env.Select(e => e.Name));
        Assert.Equal(["k2"], spec.Tolerations.Select(t => t.Key));
    }

    [Fact]
    public async Task Custom_resources_print_their_columns_yaml_category_and_describe()
    {
        await RegisterCrdAsync();
        var ns = await fixture.NewNamespaceAsync();
        (await _kubectl.RunAsync("apply", "-f", Widget(ns, "alpha", "large", 3))).EnsureSuccess();
        await fixture.Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"status":{"conditions":[{"type":"Ready","status":"True"}]}}""", V1Patch.PatchType.MergePatch), TestCrds.Group, TestCrds.Version, ns, TestCrds.Plural, "alpha");

        var table = (await _kubectl.RunAsync("get", "widgets", "-n", ns)).EnsureSuccess();
        Assert.Matches(@"NAME\s+SIZE\s+REPLICAS\s+READY\s+AGE", table.Stdout);
        Assert.Matches(@"alpha\s+large\s+3\s+True\s+\d+s", table.Stdout);
        Assert.DoesNotContain("FIRST-PORT", table.Stdout, StringComparison.Ordinal); // priority 1 needs -o wide

        var byCategory = (await _kubectl.RunAsync("get", "ai", "-n", ns)).EnsureSuccess();
        Assert.Contains("alpha", byCategory.Stdout, StringComparison.Ordinal);
        var byShortName = (await _kubectl.RunAsync("get", "wdg", "alpha", "-n", ns, "-o", "yaml")).EnsureSuccess();
        Assert.Contains("kind: Widget", byShortName.Stdout, StringComparison.Ordinal);
        Assert.Contains("size: large", byShortName.Stdout, StringComparison.Ordinal);
        Assert.Contains("mode: auto", byShortName.Stdout, StringComparison.Ordinal); // schema default

        var described = (await _kubectl.RunAsync("describe", "widget", "alpha", "-n", ns)).EnsureSuccess();
        Assert.Contains("Name:", described.Stdout, StringComparison.Ordinal);
        Assert.Contains("Size:", described.Stdout, StringComparison.Ordinal);

        var reapplied = (await _kubectl.RunAsync("apply", "-f", Widget(ns, "alpha", "large", 3))).EnsureSuccess();
        Assert.Contains("unchanged", reapplied.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schema_violations_surface_in_kubectl_apply_with_the_field_path()
    {
        await RegisterCrdAsync();
        var ns = await fixture.NewNamespaceAsync();
        var result = await _kubectl.RunAsync("apply", "-f", Widget(ns, "broken", "huge", -1));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.size: Unsupported value: \"huge\"", result.Stderr, StringComparison.Ordinal);

        var unknown = _kubectl.WriteFile($"unknown-{ns}.yaml", $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: u\n  namespace: {ns}\nbogus: 1\n");
        var strict = await _kubectl.RunAsync("apply", "-f", unknown);
        Assert.NotEqual(0, strict.ExitCode);
        Assert.Contains("unknown field \"bogus\"", strict.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scale_patch_and_label_change_objects()
    {
        await RegisterCrdAsync();
        var ns = await fixture.NewNamespaceAsync();
        _kubectl.WriteFile($"d-{ns}.yaml", Manifests(ns, 1));
        (await _kubectl.RunAsync("apply", "-f", Path.Combine(_kubectl.Directory, $"d-{ns}.yaml"))).EnsureSuccess();
        (await _kubectl.RunAsync("apply", "-f", Widget(ns, "w", "small", 1))).EnsureSuccess();

        (await _kubectl.RunAsync("scale", "deployment/web", "--replicas=4", "-n", ns)).EnsureSuccess();
        (await _kubectl.RunAsync("scale", "widget/w", "--replicas=5", "-n", ns)).EnsureSuccess();
        (await _kubectl.RunAsync("patch", "widget", "w", "-n", ns, "--type", "merge", "-p", """{"spec":{"size":"large"}}""")).EnsureSuccess();
        (await _kubectl.RunAsync("patch", "deployment", "web", "-n", ns, "--type", "json", "-p", """[{"op":"add","path":"/metadata/annotations","value":{"note":"hi"}}]""")).EnsureSuccess();
        (await _kubectl.RunAsync("patch", "deployment", "web", "-n", ns, "-p", """{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:2"}]}}}}""")).EnsureSuccess();
        (await _kubectl.RunAsync("label", "deployment", "web", "tier=front", "-n", ns)).EnsureSuccess();

        var deployment = await fixture.Client.AppsV1.ReadNamespacedDeploymentAsync("web", ns);
        Assert.Equal(4, deployment.Spec.Replicas);
        Assert.Equal("hi", deployment.Metadata.Annotations["note"]);
        Assert.Equal("front", deployment.Metadata.Labels["tier"]);
        Assert.Equal("nginx:2", deployment.Spec.Template.Spec.Containers.Single().Image);
        Assert.Equal(80, deployment.Spec.Template.Spec.Containers.Single().Ports.Single().ContainerPort);
        var widget = ApiServerFixture.ToJson(await fixture.Client.CustomObjects.GetNamespacedCustomObjectAsync(TestCrds.Group, TestCrds.Version, ns, TestCrds.Plural, "w"));
        Assert.Equal(5, (int)widget["spec"]!["replicas"]!);
        Assert.Equal("large", (string?)widget["spec"]!["size"]);

        var selected = (await _kubectl.RunAsync("get", "deployments", "-n", ns, "-l", "tier=front", "-o", "name")).EnsureSuccess();
        Assert.Equal("deployment.apps/web", selected.Stdout.Trim());
    }

    [Fact]
    public async Task Delete_cascades_to_owned_objects_and_waits_for_them()
    {
        var ns = await fixture.NewNamespaceAsync();
        var owner = await fixture.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.Simple("web", 1), ns);
        var reference = new V1OwnerReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "web", Uid = owner.Metadata.Uid, BlockOwnerDeletion = true, Controller = true };
        await fixture.Client.CoreV1.CreateNamespacedPodAsync(Pods.Simple("web-1", null, [reference]), ns);

        var deleted = (await _kubectl.RunAsync("delete", "deployment", "web", "-n", ns, "--cascade=foreground")).EnsureSuccess();
        Assert.Contains("deployment.apps \"web\" deleted", deleted.Stdout, StringComparison.Ordinal);
        Assert.Empty((await fixture.Client.CoreV1.ListNamespacedPodAsync(ns)).Items);
        Assert.Empty((await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items);
    }

    [Fact]
    public async Task Get_watch_prints_the_current_rows_then_changes()
    {
        var ns = await fixture.NewNamespaceAsync();
        await fixture.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "first" } }, ns);
        using var process = _kubectl.Start("get", "configmaps", "-n", ns, "--watch");
        try
        {
            var lines = new List<string>();
            using var cts = new CancellationTokenSource(Deadline);
            async Task ReadUntilAsync(string text)
            {
                while (!lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
                {
                    var line = await process.StandardOutput.ReadLineAsync(cts.Token) ?? throw new InvalidOperationException("kubectl get --watch ended early:\n" + string.Join('\n', lines));
                    lines.Add(line);
                }
            }

            await ReadUntilAsync("first");
            Assert.Matches(@"NAME\s+DATA\s+AGE", lines[0]);
            await fixture.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "second" } }, ns);
            await ReadUntilAsync("second");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Version_api_resources_and_explain_work()
    {
        await RegisterCrdAsync();
        var version = (await _kubectl.RunAsync("version")).EnsureSuccess();
        Assert.Contains("Server Version: v1.32", version.Stdout, StringComparison.Ordinal);
        var resources = (await _kubectl.RunAsync("api-resources")).EnsureSuccess();
        Assert.Matches(@"widgets\s+wdg\s+test\.aioperator\.dev/v1\s+true\s+Widget", resources.Stdout);
        Assert.Matches(@"deployments\s+deploy\s+apps/v1\s+true\s+Deployment", resources.Stdout);
        var explain = (await _kubectl.RunAsync("explain", "widgets.spec")).EnsureSuccess();
        Assert.Contains("size", explain.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_projects_CRDs_and_a_sample_apply_and_list()
    {
        var repo = FindRepositoryRoot();
        var crds = Path.Combine(repo, "crds");
        Assert.True(Directory.Exists(crds) && Directory.GetFiles(crds, "*.yaml").Length > 0, $"expected generated CRDs under {crds}");
        (await _kubectl.RunAsync("apply", "-f", crds)).EnsureSuccess();
        foreach (var name in new[] { "modeldeployments.aioperator.dev", "trainingjobs.aioperator.dev" })
        {
            (await _kubectl.RunAsync("wait", "--for=condition=Established", $"crd/{name}", "--timeout=20s")).EnsureSuccess();
        }

        var sample = Path.Combine(repo, "config", "samples", "aioperator_v1alpha1_modeldeployment_cpu.yaml");
        Assert.True(File.Exists(sample), $"expected the sample {sample}");
        var ns = KubernetesYaml.Deserialize<V1ConfigMap>(await File.ReadAllTextAsync(sample)).Metadata.NamespaceProperty ?? "default";
        try
        {
            await fixture.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
        }

        var applied = await _kubectl.RunAsync("apply", "-f", sample);
        Assert.True(applied.ExitCode == 0, applied.All);
        var listed = (await _kubectl.RunAsync("get", "ai", "-n", ns)).EnsureSuccess();
        Assert.Contains("modeldeployment", listed.Stdout, StringComparison.OrdinalIgnoreCase);
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "AiOperator.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("AiOperator.sln not found above the test binaries");
    }
}
