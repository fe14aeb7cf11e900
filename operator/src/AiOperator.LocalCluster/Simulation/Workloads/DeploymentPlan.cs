using System.Globalization;
using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Workloads;

// One reconcile step of the Deployment controller as a pure function of the Deployment and the
// ReplicaSets it controls; the controller only performs the returned writes.
internal static class DeploymentPlan
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
    public const string MaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";

    // livePods: pods per ReplicaSet uid that still exist, terminating ones included; Recreate waits
    // for zero so old and new pods never run together. Without it, ReplicaSet status is used.
    // templateHash: PodTemplateHash.Compute of the template when the caller has it already.
    public static DeploymentActions Compute(V1Deployment deployment, IReadOnlyList<V1ReplicaSet> owned, IReadOnlyDictionary<string, int>? livePods = null, string? templateHash = null)
    {
        var desired = deployment.Spec.Replicas ?? 1;
        var hash = templateHash ?? PodTemplateHash.Compute(deployment.Spec.Template);
        var newRs = owned.FirstOrDefault(rs => rs.Metadata.Labels?.TryGetValue(PodTemplateHash.Label, out var h) == true && h == hash);
        var olds = owned.Where(rs => rs != newRs).OrderBy(rs => rs.Metadata.CreationTimestamp ?? DateTime.MinValue).ThenBy(rs => rs.Metadata.Name, StringComparer.Ordinal).ToList();
        var maxOldRevision = olds.Select(Revision).DefaultIfEmpty(0).Max();
        var recreate = deployment.Spec.Strategy?.Type == "Recreate";
        var bounds = recreate ? new RolloutBounds(0, desired) : RollingUpdateMath.Resolve(deployment.Spec.Strategy?.RollingUpdate?.MaxSurge, deployment.Spec.Strategy?.RollingUpdate?.MaxUnavailable, desired);
        var changes = new List<ReplicaSetChange>();

        if (deployment.Spec.Paused == true)
        {
            return new DeploymentActions(null, changes, []);
        }

        var allReplicas = owned.Sum(SpecReplicas);
        if (newRs is null)
        {
            var oldsActive = olds.Any(rs => SpecReplicas(rs) > 0 || Alive(rs, livePods) > 0);
            var initial = recreate
                ? (oldsActive ? 0 : desired)
                : RollingUpdateMath.NewReplicaSetReplicas(desired, bounds, 0, allReplicas);
            var created = NewReplicaSet(deployment, hash, initial, (maxOldRevision + 1).ToString(CultureInfo.InvariantCulture), desired + bounds.MaxSurge);
            return new DeploymentActions(created, ScaleDownOldForRecreate(recreate, olds), []);
        }

        var revision = Revision(newRs) > maxOldRevision ? null : (maxOldRevision + 1).ToString(CultureInfo.InvariantCulture);
        var newReplicas = SpecReplicas(newRs);
        if (recreate)
        {
            changes.AddRange(ScaleDownOldForRecreate(true, olds));
            var oldPodsGone = olds.All(rs => Alive(rs, livePods) == 0);
            var target = oldPodsGone ? desired : newReplicas;
            if (target != newReplicas || revision is not null)
            {
                changes.Add(new ReplicaSetChange(newRs.Metadata.Name, target, revision));
            }

            return new DeploymentActions(null, changes, HistoryToDelete(deployment, olds));
        }

        var scaledNew = RollingUpdateMath.NewReplicaSetReplicas(desired, bounds, newReplicas, allReplicas);
        if (scaledNew != newReplicas || revision is not null)
        {
            changes.Add(new ReplicaSetChange(newRs.Metadata.Name, scaledNew, revision));
        }

        if (scaledNew <= newReplicas)
        {
            var oldUnavailable = olds.Sum(rs => Math.Max(0, SpecReplicas(rs) - (rs.Status?.AvailableReplicas ?? 0)));
            var allAvailable = owned.Sum(rs => rs.Status?.AvailableReplicas ?? 0);
            var budget = RollingUpdateMath.OldReplicasToScaleDown(desired, bounds, allReplicas - newReplicas + scaledNew, scaledNew, Math.Min(newRs.Status?.AvailableReplicas ?? 0, scaledNew), allAvailable, oldUnavailable);
            foreach (var old in olds)
            {
                var current = SpecReplicas(old);
                if (budget <= 0 || current == 0)
                {
                    continue;
                }

                var down = Math.Min(budget, current);
                budget -= down;
                changes.Add(new ReplicaSetChange(old.Metadata.Name, current - down, null));
            }
        }

        return new DeploymentActions(null, changes, HistoryToDelete(deployment, olds));
    }

    public static int Revision(V1ReplicaSet rs) =>
        rs.Metadata.Annotations?.TryGetValue(RevisionAnnotation, out var r) == true && int.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    public static int SpecReplicas(V1ReplicaSet rs) => rs.Spec.Replicas ?? 1;

    private static int Alive(V1ReplicaSet rs, IReadOnlyDictionary<string, int>? livePods) =>
        livePods is null ? rs.Status?.Replicas ?? 0 : livePods.GetValueOrDefault(rs.Metadata.Uid ?? string.Empty);

    private static List<ReplicaSetChange> ScaleDownOldForRecreate(bool recreate, List<V1ReplicaSet> olds) =>
        recreate ? [.. olds.Where(rs => SpecReplicas(rs) > 0).Select(rs => new ReplicaSetChange(rs.Metadata.Name, 0, null))] : [];

    private static List<string> HistoryToDelete(V1Deployment deployment, List<V1ReplicaSet> olds)
    {
        var limit = deployment.Spec.RevisionHistoryLimit ?? 10;
        var idle = olds.Where(rs => SpecReplicas(rs) == 0 && (rs.Status?.Replicas ?? 0) == 0).OrderBy(Revision).ToList();
        return [.. idle.Take(Math.Max(0, idle.Count - limit)).Select(rs => rs.Metadata.Name)];
    }

    private static V1ReplicaSet NewReplicaSet(V1Deployment deployment, string hash, int replicas, string revision, int maxReplicas)
    {
        var template = k8s.KubernetesJson.Deserialize<V1PodTemplateSpec>(k8s.KubernetesJson.Serialize(deployment.Spec.Template));
        template.Metadata ??= new V1ObjectMeta();
        template.Metadata.Labels ??= new Dictionary<string, string>();
        template.Metadata.Labels[PodTemplateHash.Label] = hash;
        var selector = k8s.KubernetesJson.Deserialize<V1LabelSelector>(k8s.KubernetesJson.Serialize(deployment.Spec.Selector));
        selector.MatchLabels ??= new Dictionary<string, string>();
        selector.MatchLabels[PodTemplateHash.Label] = hash;
        var labels = new Dictionary<string, string>(template.Metadata.Labels);
        return new V1ReplicaSet
        {
            ApiVersion = "apps/v1",
            Kind = "ReplicaSet",
            Metadata = new V1ObjectMeta
            {
                Name = $"{deployment.Metadata.Name}-{hash}",
                NamespaceProperty = deployment.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = new Dictionary<string, string>
                {
                    [RevisionAnnotation] = revision,
                    [DesiredReplicasAnnotation] = (deployment.Spec.Replicas ?? 1).ToString(CultureInfo.InvariantCulture),
                    [MaxReplicasAnnotation] = maxReplicas.ToString(CultureInfo.InvariantCulture),
                },
                OwnerReferences = [ControllerReference("apps/v1", "Deployment", deployment.Metadata)],
            },
            Spec = new V1ReplicaSetSpec
            {
                Replicas = replicas,
                MinReadySeconds = deployment.Spec.MinReadySeconds,
                Selector = selector,
                Template = template,
            },
        };
    }

    public static V1OwnerReference ControllerReference(string apiVersion, string kind, V1ObjectMeta owner) =>
        new() { ApiVersion = apiVersion, Kind = kind, Name = owner.Name, Uid = owner.Uid, BlockOwnerDeletion = true, Controller = true };
}
