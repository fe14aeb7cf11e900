using AiOperator.Api.Crds;
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
/// `aiop local --state-dir` stopped and started again on the same folder: the CRDs, the operator's account
/// and roles are already stored, so installing them again must update them, not fail on "already exists";
/// the objects survive and the restarted operator reconciles them.
/// </summary>
public sealed class LocalOperatorRestartTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("aiop-local-restart-").FullName;

    [Fact]
    public async Task A_restart_on_the_same_state_folder_updates_crds_and_roles_and_reconciles_what_was_stored()
    {
        // The first run is an older build: a manager role without `delete` on pods, and a CRD with an extra printer column.
        var olderRules = OperatorRbac.Manager
            .Select(r => r.ApiGroups is [""] && r.Resources.Contains("pods") ? r with { Verbs = [.. r.Verbs.Where(v => v != "delete")] } : r)
            .ToList();
        Assert.NotEqual(Verbs(OperatorRbac.Manager), Verbs(olderRules));
        await using (var cluster = await LocalCluster.LocalCluster.StartAsync(Options()))
        {
            await using var op = await LocalOperator.StartAsync(cluster, CancellationToken.None, NullLoggerFactory.Instance, olderRules);
            using var admin = cluster.CreateClient();
            var crd = await admin.ApiextensionsV1.ReadCustomResourceDefinitionAsync(ModelDeploymentCrd);
            crd.Spec.Versions[0].AdditionalPrinterColumns.Add(new V1CustomResourceColumnDefinition { Name = "Older", Type = "string", JsonPath = ".spec.paused" });
            await admin.ApiextensionsV1.ReplaceCustomResourceDefinitionAsync(crd, ModelDeploymentCrd);
            await admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "keep" } });
        }

        await using (var cluster = await LocalCluster.LocalCluster.StartAsync(Options()))
        {
            await using var op = await LocalOperator.StartAsync(cluster, CancellationToken.None, NullLoggerFactory.Instance);
            using var admin = cluster.CreateClient();

            var crd = await admin.ApiextensionsV1.ReadCustomResourceDefinitionAsync(ModelDeploymentCrd);
            Assert.DoesNotContain(crd.Spec.Versions[0].AdditionalPrinterColumns, c => c.Name == "Older");
            var role = await admin.RbacAuthorizationV1.ReadClusterRoleAsync(OperatorIdentity.ManagerRole);
            Assert.Equal(Verbs(OperatorRbac.Manager), Verbs(role.Rules.Select(r => new PolicyRule([.. r.ApiGroups ?? []], [.. r.Resources ?? []], [.. r.Verbs]))));

            // The restarted operator serves the stored CRDs: a TrainingJob made now gets its status.
            using var jobs = new GenericClient(admin, GroupVersion.Group, GroupVersion.Version, TrainingJob.Plural, disposeClient: false);
            await jobs.CreateNamespacedAsync(new TrainingJob
            {
                Metadata = new V1ObjectMeta { Name = "after", NamespaceProperty = "keep" },
                Spec = new TrainingJobSpec
                {
                    Workers = 1,
                    Image = "example.test/trainer:1",
                    Output = new OutputSpec { ClaimName = "models", Path = "after/model.onnx", ModelVersion = "1" },
                },
            }, "keep");
            await Eventually.TrueAsync(
                async () => (await jobs.ReadNamespacedAsync<TrainingJob>("keep", "after")).Status?.Phase is not null,
                "the restarted operator wrote the TrainingJob's status", Deadline, TimeSpan.FromMilliseconds(100));
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string ModelDeploymentCrd => $"{ModelDeployment.Plural}.{GroupVersion.Group}";

    private LocalClusterOptions Options() => new()
    {
        Authorization = AuthorizationMode.Rbac,
        StateDirectory = _dir,
        PersistObjects = true,
        NodePools = [new NodePool { NamePrefix = "cpu", Count = 1, MaxPods = 110, Cpu = "16", Memory = "64Gi" }],
    };

    private static List<string> Verbs(IEnumerable<PolicyRule> rules) =>
        [.. rules.SelectMany(r => r.Resources.SelectMany(res => r.Verbs.Select(v => $"{string.Join(',', r.ApiGroups)}/{res}/{v}"))).Order(StringComparer.Ordinal)];
}
