using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Admission;
using AiOperator.LocalCluster.ApiServer.Http;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Resources;

namespace AiOperator.LocalCluster.ApiServer.Storage;

// The PodSecurity admission plugin: a namespace labelled pod-security.kubernetes.io/enforce=<level> refuses
// new pods that break that level with 403 "violates PodSecurity ..."; with .../warn=<level>, pods and the
// pod templates of workloads (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob) that break it are
// let in with a "would violate PodSecurity ..." Warning header. Workloads are never refused: their
// controller's pod creates are (a ReplicaSet then reports FailedCreate), as on a real cluster.
internal sealed partial class ResourceRegistry
{
    // Runs under the store lock, on pod creates and on workload creates and spec updates.
    private void AdmitPodSecurity(ResourceType type, string ns, JsonObject body, WriteContext ctx)
    {
        var isPod = type.StoreKey == "/pods";
        var spec = isPod ? body.Obj("spec") : TemplateSpec(type, body);
        if (spec is null || ns.Length == 0)
        {
            return;
        }

        var policy = NamespacePodSecurity.Of(_store.Get(NamespaceStoreKey, "", ns)?.Object);
        if (isPod && policy.Enforce != PodSecurityLevel.Privileged && PodSecurityChecks.Evaluate(spec, policy.Enforce) is { Count: > 0 } refused)
        {
            throw new ApiException(403, "Forbidden",
                $"pods \"{body.Name()}\" is forbidden: violates PodSecurity \"{Label(policy.Enforce)}:{policy.EnforceVersion}\": {string.Join(", ", refused)}",
                new StatusDetails(body.Name(), type.Group, type.Plural));
        }

        if (policy.Warn != PodSecurityLevel.Privileged && PodSecurityChecks.Evaluate(spec, policy.Warn) is { Count: > 0 } warned)
        {
            ctx.Warnings.Add($"would violate PodSecurity \"{Label(policy.Warn)}:{policy.WarnVersion}\": {string.Join(", ", warned)}");
        }
    }

    private static JsonObject? TemplateSpec(ResourceType type, JsonObject body) => (type.Group, type.Kind) switch
    {
        ("apps", "Deployment" or "ReplicaSet" or "StatefulSet" or "DaemonSet") or ("batch", "Job") or ("", "ReplicationController") =>
            body.Obj("spec").Obj("template").Obj("spec"),
        ("batch", "CronJob") => body.Obj("spec").Obj("jobTemplate").Obj("spec").Obj("template").Obj("spec"),
        _ => null,
    };

    private static string Label(PodSecurityLevel level) => level.ToString().ToLowerInvariant();
}
