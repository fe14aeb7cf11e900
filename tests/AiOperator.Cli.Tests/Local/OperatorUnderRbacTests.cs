using System.Text.Json.Nodes;
using AiOperator.Api.V1Alpha1;
using AiOperator.Cli.Commands;
using AiOperator.LocalCluster;
using AiOperator.LocalCluster.ApiServer.Auth;
using AiOperator.Operator.Rbac;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiOperator.Cli.Tests.Local;

/// <summary>
/// The operator as `aiop local` runs it: authenticated as its ServiceAccount on a cluster that enforces
/// RBAC, with nothing but the grants config/rbac gives it (OperatorRbac). The scenario walks every path
/// that needs a grant — a TrainingJob that succeeds and one that crashes, is restarted and removed by its
/// TTL; a ModelDeployment serving the job's output, upgraded through a canary that a promote annotation
/// finishes — and the request log must hold no 403. Without one verb the same check names it.
/// </summary>
public sealed class OperatorUnderRbacTests
{
    private const string Operator = $"{UserInfo.ServiceAccountPrefix}{OperatorIdentity.Namespace}:{OperatorIdentity.ServiceAccount}";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private static LocalClusterOptions Cluster() => new()
    {
        Authorization = AuthorizationMode.Rbac,
        NodePools =
        [
            new NodePool { NamePrefix = "gpu", Count = 2, Gpus = 4, GpuProduct = "NVIDIA-H100-80GB-HBM3" },
            new NodePool { NamePrefix = "cpu", Count = 1, MaxPods = 110, Cpu = "16", Memory = "64Gi" },
        ],
        SimulatedImages = new Dictionary<string, SimulatedContainer>
        {
            ["example.test/trainer-reports"] = new() { ExitAfter = TimeSpan.FromMilliseconds(300), Message = """{"sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","metrics":{"accuracy":0.95}}""" },
            ["example.test/trainer-crash"] = new() { ExitAfter = TimeSpan.FromMilliseconds(300), ExitCode = 1 },
        },
    };

    [Fact]
    public async Task The_operator_converges_every_scenario_under_its_own_grants_with_zero_403s()
    {
        await using var cluster = await LocalCluster.LocalCluster.StartAsync(Cluster());
        await using var op = await LocalOperator.StartAsync(cluster, CancellationToken.None, NullLoggerFactory.Instance);
        using var admin = cluster.CreateClient();
        using var jobs = new GenericClient(admin, GroupVersion.Group, GroupVersion.Version, TrainingJob.Plural, disposeClient: false);
        using var mdeps = new GenericClient(admin, GroupVersion.Group, GroupVersion.Version, ModelDeployment.Plural, disposeClient: false);
        var ns = (await admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { GenerateName = "rbac-" } })).Metadata.Name;

        await jobs.CreateNamespacedAsync(Job(ns, "train", "example.test/trainer-reports:1", ttl: null), ns);
        await jobs.CreateNamespacedAsync(Job(ns, "crashy", "example.test/trainer-crash:1", ttl: 1), ns);
        await UntilAsync(async () => (await jobs.ReadNamespacedAsync<TrainingJob>(ns, "train")).Status?.Phase == TrainingJobPhase.Succeeded, "TrainingJob train Succeeded", cluster);
        await UntilAsync(async () => (await jobs.ListNamespacedAsync<AiOperator.Cli.Admin.CustomResourceList<TrainingJob>>(ns)).Items.All(j => j.Metadata.Name != "crashy"),
            "TrainingJob crashy restarted, Failed and removed by its TTL", cluster);

        await mdeps.CreateNamespacedAsync(Serving(ns), ns);
        await UntilAsync(async () => (await mdeps.ReadNamespacedAsync<ModelDeployment>(ns, "m")).Status?.Phase == ModelDeploymentPhase.Ready, "ModelDeployment Ready", cluster);
        var ready = await mdeps.ReadNamespacedAsync<ModelDeployment>(ns, "m");

        // An upgrade through a canary (its own Service), finished by the promote annotation the operator removes.
        await mdeps.PatchNamespacedAsync<ModelDeployment>(new V1Patch("""{"spec":{"runtime":{"maxBatchSize":4}}}""", V1Patch.PatchType.MergePatch), ns, "m");
        await UntilAsync(async () => !string.IsNullOrEmpty((await mdeps.ReadNamespacedAsync<ModelDeployment>(ns, "m")).Status?.CanaryRevision), "a canary", cluster);
        await mdeps.PatchNamespacedAsync<ModelDeployment>(new V1Patch("""{"metadata":{"annotations":{"aioperator.dev/promote":"full"}}}""", V1Patch.PatchType.MergePatch), ns, "m");
        await UntilAsync(async () => await mdeps.ReadNamespacedAsync<ModelDeployment>(ns, "m") is { Status.Phase: ModelDeploymentPhase.Ready } md
            && md.Status.StableRevision != ready.Status!.StableRevision && md.Metadata.Annotations?.ContainsKey("aioperator.dev/promote") != true,
            "the canary promoted and the annotation removed", cluster);
        await UntilAsync(async () => (await admin.CoreV1.ListNamespacedServiceAsync(ns)).Items.All(s => s.Metadata.Name != "m-canary"), "the canary Service deleted", cluster);

        Assert.True(Requests(cluster).Count > 0, "the operator made no request as its ServiceAccount: it did not run as it");
        Assert.Empty(Forbidden(cluster));
    }

    [Fact]
    public async Task Without_one_needed_verb_the_check_names_it()
    {
        // The manager role minus `create` on Deployments.
        var rules = OperatorRbac.Manager
            .Select(r => r.ApiGroups is ["apps"] && r.Resources is ["deployments"] ? r with { Verbs = [.. r.Verbs.Where(v => v != "create")] } : r)
            .ToList();
        await using var cluster = await LocalCluster.LocalCluster.StartAsync(Cluster());
        await using var op = await LocalOperator.StartAsync(cluster, CancellationToken.None, NullLoggerFactory.Instance, rules);
        using var admin = cluster.CreateClient();
        using var mdeps = new GenericClient(admin, GroupVersion.Group, GroupVersion.Version, ModelDeployment.Plural, disposeClient: false);
        var ns = (await admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { GenerateName = "rbac-" } })).Metadata.Name;
        var md = Serving(ns);
        md.Spec.Model = new ModelSource { Name = "m", Version = "1", Uri = "pvc://models/m/1/model.onnx" };
        await mdeps.CreateNamespacedAsync(md, ns);

        await UntilAsync(() => Task.FromResult(Forbidden(cluster).Count > 0), "a 403", cluster);
        Assert.Contains("create deployments.apps in namespace " + ns, Forbidden(cluster));

        // The user sees it too: the ModelDeployment's conditions carry the API server's words.
        await UntilAsync(async () => (await mdeps.ReadNamespacedAsync<ModelDeployment>(ns, "m")).Status?.Conditions?.Any(c =>
            c.Status == "False" && c.Message.Contains("cannot create resource \"deployments\"", StringComparison.Ordinal)) == true, "a condition naming the denied write", cluster);
    }

    private static List<LocalCluster.ApiServer.RequestRecord> Requests(LocalCluster.LocalCluster cluster) =>
        cluster.ApiServer.Requests.Snapshot().Where(r => r.User == Operator).ToList();

    private static List<string> Forbidden(LocalCluster.LocalCluster cluster) =>
    [
        .. Requests(cluster).Where(r => r.StatusCode == 403)
            .Select(r => $"{r.Verb} {(r.Group.Length == 0 ? r.Resource : r.Resource + "." + r.Group)}{(r.Subresource.Length > 0 ? "/" + r.Subresource : "")}{(r.Namespace.Length > 0 ? " in namespace " + r.Namespace : "")}")
            .Distinct(),
    ];

    private static TrainingJob Job(string ns, string name, string image, int? ttl) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new TrainingJobSpec
        {
            Workers = 2,
            Image = image,
            Resources = new ResourcesSpec { Gpu = new GpuSpec { Count = 1 } },
            Output = new OutputSpec { ClaimName = "models", Path = $"{name}/model.onnx", ModelVersion = "1" },
            BackoffLimit = 1,
            TtlSecondsAfterFinished = ttl,
        },
    };

    private static ModelDeployment Serving(string ns) => new()
    {
        Metadata = new V1ObjectMeta { Name = "m", NamespaceProperty = ns },
        Spec = new ModelDeploymentSpec
        {
            Replicas = 2,
            Model = new ModelSource { Name = "m", FromTrainingJob = new TrainingJobReference { Name = "train", Gate = new MetricGate { Metric = "accuracy", Min = 0.9 } } },
            Resources = new ResourcesSpec { Gpu = new GpuSpec { Count = 1 } },
            Rollout = new RolloutSpec { Strategy = RolloutStrategy.Canary, Steps = [new RolloutStep { Weight = 50, PauseSeconds = 600 }] },
        },
    };

    // The shared wait; a timeout names the operator's 403s, the usual reason a step never converges here.
    private static async Task UntilAsync(Func<Task<bool>> condition, string what, LocalCluster.LocalCluster cluster)
    {
        try
        {
            await Eventually.TrueAsync(condition, what, Deadline, TimeSpan.FromMilliseconds(100));
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; the operator's 403s: [{string.Join("; ", Forbidden(cluster))}]", ex);
        }
    }
}
