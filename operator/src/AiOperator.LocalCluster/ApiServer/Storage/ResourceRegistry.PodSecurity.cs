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

    // A namespace's PodSecurity labels must name a level and version; setting or raising the enforce level
    // is allowed over pods already there that break it (they keep running) with a warning naming them.
    private void AdmitNamespaceLabels(JsonObject ns, JsonObject? old, WriteContext ctx)
    {
        if (NamespacePodSecurity.Problems(ns) is { Count: > 0 } problems)
        {
            throw ApiErrors.Invalid("", "Namespace", ns.Name(), problems);
        }

        var after = NamespacePodSecurity.Of(ns);
        var before = old is null ? NamespacePodSecurity.Unlabelled : NamespacePodSecurity.Of(old);
        if (after.Enforce == PodSecurityLevel.Privileged || (after.Enforce == before.Enforce && after.EnforceVersion == before.EnforceVersion))
        {
            return;
        }

        var groups = _store.Enumerate("/pods", ns.Name())
            .Select(p => p.Object)
            .Where(p => p.Obj("status").Str("phase") is not ("Succeeded" or "Failed"))
            .Select(p => (Name: p.Name(), Reasons: string.Join(", ", PodSecurityChecks.Evaluate(p.Obj("spec"), after.Enforce).Select(ReasonOnly))))
            .Where(p => p.Reasons.Length > 0)
            .GroupBy(p => p.Reasons, StringComparer.Ordinal)
            .ToList();
        if (groups.Count == 0)
        {
            return;
        }

        ctx.Warnings.Add($"existing pods in namespace \"{ns.Name()}\" violate the new PodSecurity enforce level \"{Label(after.Enforce)}:{after.EnforceVersion}\"");
        foreach (var group in groups.OrderBy(g => g.First().Name, StringComparer.Ordinal))
        {
            var names = group.Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
            var shown = names.Count <= 3 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(3))} (and {names.Count - 3} other pods)";
            ctx.Warnings.Add($"{shown}: {group.Key}");
        }
    }

    // "allowPrivilegeEscalation != false (container ...)" -> "allowPrivilegeEscalation != false".
    private static string ReasonOnly(string failure) => failure.IndexOf(" (", StringComparison.Ordinal) is var cut and > 0 ? failure[..cut] : failure;

    private static JsonObject? TemplateSpec(ResourceType type, JsonObject body) => (type.Group, type.Kind) switch
    {
        ("apps", "Deployment" or "ReplicaSet" or "StatefulSet" or "DaemonSet") or ("batch", "Job") or ("", "ReplicationController") =>
            body.Obj("spec").Obj("template").Obj("spec"),
        ("batch", "CronJob") => body.Obj("spec").Obj("jobTemplate").Obj("spec").Obj("template").Obj("spec"),
        _ => null,
    };

    private static string Label(PodSecurityLevel level) => level.ToString().ToLowerInvariant();
}
