using System.Globalization;
using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Workloads;

// The deployment controller's rolling-update arithmetic (pkg/controller/deployment/rolling.go),
// as pure functions so every step of a rollout can be unit-tested.
internal static class RollingUpdateMath
{
    // Surge rounds up, unavailability rounds down; both zero would deadlock, so unavailable becomes 1.
    public static RolloutBounds Resolve(IntOrString? maxSurge, IntOrString? maxUnavailable, int desired)
    {
        var surge = Scaled(maxSurge ?? "25%", desired, roundUp: true, "maxSurge");
        var unavailable = Scaled(maxUnavailable ?? "25%", desired, roundUp: false, "maxUnavailable");
        if (surge == 0 && unavailable == 0)
        {
            unavailable = 1;
        }

        return new RolloutBounds(surge, Math.Min(unavailable, desired));
    }

    public static int Scaled(IntOrString value, int total, bool roundUp, string field)
    {
        var text = value.Value ?? "0";
        if (text.EndsWith('%'))
        {
            if (!int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var percent))
            {
                throw new FormatException($"{field}: '{text}' is not a valid percentage");
            }

            var exact = percent * (long)total;
            return (int)(roundUp ? (exact + 99) / 100 : exact / 100);
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var count) || count < 0)
        {
            throw new FormatException($"{field}: '{text}' must be a non-negative integer or a percentage");
        }

        return count;
    }

    // How many replicas the new ReplicaSet should have next.
    public static int NewReplicaSetReplicas(int desired, RolloutBounds bounds, int newReplicas, int allReplicas)
    {
        if (newReplicas >= desired)
        {
            return desired;
        }

        var maxTotal = desired + bounds.MaxSurge;
        if (allReplicas >= maxTotal)
        {
            return newReplicas;
        }

        var scaleUp = Math.Min(maxTotal - allReplicas, desired - newReplicas);
        return newReplicas + scaleUp;
    }

    // How many old pods may go now without dropping below desired - maxUnavailable available pods.
    // Unavailable new pods count against the budget, so a broken new revision stalls the rollout.
    public static int OldReplicasToScaleDown(int desired, RolloutBounds bounds, int allReplicas, int newReplicas, int newAvailable, int allAvailable, int oldUnavailable)
    {
        var minAvailable = desired - bounds.MaxUnavailable;
        var newUnavailable = newReplicas - newAvailable;
        var maxScaledDown = allReplicas - minAvailable - newUnavailable;
        if (maxScaledDown <= 0)
        {
            return 0;
        }

        // Unhealthy old pods go first: removing them cannot reduce availability.
        var cleanup = Math.Min(maxScaledDown, oldUnavailable);
        var byAvailability = Math.Max(0, allAvailable - minAvailable);
        return cleanup + Math.Min(maxScaledDown - cleanup, byAvailability);
    }

    public static bool HasMinimumAvailability(int desired, RolloutBounds bounds, int available) =>
        available >= desired - bounds.MaxUnavailable;
}
