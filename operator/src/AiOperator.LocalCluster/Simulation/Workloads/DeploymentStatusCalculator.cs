using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Workloads;

// Deployment status from its ReplicaSets, with Available/Progressing conditions whose
// lastTransitionTime only moves when the condition's status flips.
internal static class DeploymentStatusCalculator
{
    public static V1DeploymentStatus Compute(V1Deployment deployment, IReadOnlyList<V1ReplicaSet> owned, DateTimeOffset now, string? templateHash = null)
    {
        var desired = deployment.Spec.Replicas ?? 1;
        var hash = templateHash ?? PodTemplateHash.Compute(deployment.Spec.Template);
        var newRs = owned.FirstOrDefault(rs => rs.Metadata.Labels?.TryGetValue(PodTemplateHash.Label, out var h) == true && h == hash);
        var replicas = owned.Sum(rs => rs.Status?.Replicas ?? 0);
        var updated = newRs?.Status?.Replicas ?? 0;
        var ready = owned.Sum(rs => rs.Status?.ReadyReplicas ?? 0);
        var available = owned.Sum(rs => rs.Status?.AvailableReplicas ?? 0);
        var recreate = deployment.Spec.Strategy?.Type == "Recreate";
        var bounds = recreate ? new RolloutBounds(0, desired) : RollingUpdateMath.Resolve(deployment.Spec.Strategy?.RollingUpdate?.MaxSurge, deployment.Spec.Strategy?.RollingUpdate?.MaxUnavailable, desired);
        var previous = deployment.Status;

        var status = new V1DeploymentStatus
        {
            ObservedGeneration = deployment.Metadata.Generation,
            Replicas = replicas,
            UpdatedReplicas = updated,
            ReadyReplicas = ready,
            AvailableReplicas = available,
            UnavailableReplicas = Math.Max(0, desired - available),
            CollisionCount = previous?.CollisionCount,
        };

        var minimum = RollingUpdateMath.HasMinimumAvailability(desired, bounds, available);
        var availableCondition = minimum
            ? Condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
            : Condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.");

        V1DeploymentCondition progressing;
        var newName = newRs?.Metadata.Name ?? $"{deployment.Metadata.Name}-{hash}";
        var complete = newRs is not null && updated == desired && replicas == desired && (newRs.Status?.AvailableReplicas ?? 0) == desired;
        var oldProgressing = previous?.Conditions?.FirstOrDefault(c => c.Type == "Progressing");
        if (complete)
        {
            progressing = Condition("Progressing", "True", "NewReplicaSetAvailable", $"ReplicaSet \"{newName}\" has successfully progressed.");
        }
        else if (deployment.Spec.Paused == true)
        {
            progressing = Condition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused");
        }
        else
        {
            progressing = Condition("Progressing", "True", "ReplicaSetUpdated", $"ReplicaSet \"{newName}\" is progressing.");
            var madeProgress = previous is null
                || previous.Replicas != status.Replicas || previous.UpdatedReplicas != status.UpdatedReplicas
                || previous.ReadyReplicas != status.ReadyReplicas || previous.AvailableReplicas != status.AvailableReplicas;
            var lastUpdate = madeProgress || oldProgressing?.LastUpdateTime is null ? now : Utc(oldProgressing.LastUpdateTime.Value);
            var deadline = deployment.Spec.ProgressDeadlineSeconds ?? 600;
            if (oldProgressing?.Reason == "ProgressDeadlineExceeded" && !madeProgress
                || (!madeProgress && lastUpdate.AddSeconds(deadline) <= now))
            {
                progressing = Condition("Progressing", "False", "ProgressDeadlineExceeded", $"ReplicaSet \"{newName}\" has timed out progressing.");
            }
        }

        status.Conditions = [Stamp(availableCondition, previous, now), Stamp(progressing, previous, now)];

        // A ReplicaSet whose pod creates are refused (admission, quota) says why; the Deployment repeats it,
        // the new ReplicaSet's first, as the real controller's getReplicaFailures does.
        var failure = (newRs is null ? owned : owned.Where(rs => rs != newRs).Prepend(newRs))
            .Select(rs => rs.Status?.Conditions?.FirstOrDefault(c => c.Type == "ReplicaFailure" && c.Status == "True"))
            .FirstOrDefault(c => c is not null);
        if (failure is not null)
        {
            status.Conditions.Add(Stamp(Condition("ReplicaFailure", "True", failure.Reason, failure.Message), previous, now));
        }

        return status;
    }

    // Equal except timestamps: used to skip status writes that would change nothing.
    public static bool SameIgnoringTimes(V1DeploymentStatus? a, V1DeploymentStatus b)
    {
        if (a is null)
        {
            return false;
        }

        static string Shape(V1DeploymentStatus s) => string.Join('|',
            s.ObservedGeneration, s.Replicas, s.UpdatedReplicas, s.ReadyReplicas, s.AvailableReplicas, s.UnavailableReplicas,
            string.Join(',', (s.Conditions ?? []).Select(c => $"{c.Type}={c.Status}/{c.Reason}/{c.Message}")));
        return Shape(a) == Shape(b);
    }

    private static V1DeploymentCondition Condition(string type, string status, string reason, string message) =>
        new() { Status = status, Type = type, Reason = reason, Message = message };

    private static V1DeploymentCondition Stamp(V1DeploymentCondition condition, V1DeploymentStatus? previous, DateTimeOffset now)
    {
        var old = previous?.Conditions?.FirstOrDefault(c => c.Type == condition.Type);
        var sameStatus = old is not null && old.Status == condition.Status;
        var sameContent = sameStatus && old!.Reason == condition.Reason && old.Message == condition.Message;
        condition.LastTransitionTime = sameStatus && old!.LastTransitionTime is not null ? old.LastTransitionTime : now.UtcDateTime;
        condition.LastUpdateTime = sameContent && old!.LastUpdateTime is not null ? old.LastUpdateTime : now.UtcDateTime;
        return condition;
    }

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}
