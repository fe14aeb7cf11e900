namespace AiOperator.Operator.Rollouts;

/// <summary>How one total splits between canary and stable at a weight (pure).</summary>
internal static class CanaryReplicas
{
    /// <summary>round(total × weight / 100), at least 1 and at most the total; 0 when the total is 0.</summary>
    public static int Canary(int total, int weight)
    {
        if (total <= 0)
        {
            return 0;
        }

        var share = (int)Math.Round(total * Math.Clamp(weight, 0, 100) / 100.0, MidpointRounding.AwayFromZero);
        return Math.Clamp(share, 1, total);
    }

    /// <summary>
    /// The stable revision's replicas: its share of the total (at least one pod below weight 100), and never
    /// fewer than keep the total serving while canary pods are not ready yet.
    /// </summary>
    public static int Stable(int total, int weight, int canaryReady)
    {
        if (total <= 0)
        {
            return 0;
        }

        var canary = Canary(total, weight);
        var share = total - canary;
        if (weight < 100)
        {
            share = Math.Max(share, 1);
        }

        return Math.Max(share, total - Math.Min(Math.Max(0, canaryReady), canary));
    }
}
