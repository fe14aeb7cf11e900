namespace AiOperator.Benchmarks.Autoscaling;

/// <summary>
/// The Kubernetes HorizontalPodAutoscaler (autoscaling/v2) for one Pods metric with an AverageValue
/// target and the default behaviour, written from the documented algorithm and the replica calculator
/// of kube-controller-manager: every sync, desired = ceil(readyPods × average/target) unless the ratio
/// is within the tolerance; missing metrics count as 0 on scale-up and as the target on scale-down
/// (and a change of direction that this causes is dropped); scale-down goes only to the highest
/// recommendation of the stabilization window; scale-up is limited per period to the larger of +100 %
/// and +4 pods. Pods that are not ready report no metric and are set aside, as Pending pods are.
/// </summary>
internal sealed class HpaModel(HpaSettings settings)
{
    private readonly List<(DateTimeOffset At, int Replicas)> _recommendations = [];
    private readonly List<(DateTimeOffset At, int Change)> _scaleUps = [];
    private readonly List<(DateTimeOffset At, int Change)> _scaleDowns = [];

    public HpaSettings Settings { get; } = settings;

    /// <summary>
    /// One sync. <paramref name="currentReplicas"/> is the scale subresource's spec.replicas;
    /// <paramref name="readyPodMetrics"/> has one entry per ready pod: its metric, or NaN when the
    /// metrics pipeline has none for it yet.
    /// </summary>
    public int Sync(DateTimeOffset now, int currentReplicas, IReadOnlyList<double> readyPodMetrics)
    {
        ArgumentNullException.ThrowIfNull(readyPodMetrics);
        int desired;
        if (currentReplicas == 0 && Settings.MinReplicas != 0)
        {
            return 0; // scaling disabled, as kube-controller-manager does for a Deployment scaled to 0 by hand
        }
        else if (currentReplicas > Settings.MaxReplicas)
        {
            desired = Settings.MaxReplicas;
        }
        else if (currentReplicas < Settings.MinReplicas)
        {
            desired = Settings.MinReplicas;
        }
        else
        {
            var metric = MetricReplicas(currentReplicas, readyPodMetrics);
            if (metric is null)
            {
                return currentReplicas; // no metrics at all: the HPA reports an error and leaves the scale alone
            }

            desired = Normalize(now, currentReplicas, metric.Value);
        }

        if (desired != currentReplicas)
        {
            Record(desired > currentReplicas ? _scaleUps : _scaleDowns, now, Math.Abs(desired - currentReplicas));
        }

        return desired;
    }

    /// <summary>replica_calculator.go, calcPlainMetricReplicas (no CPU readiness rules: the metric is not CPU).</summary>
    public int? MetricReplicas(int currentReplicas, IReadOnlyList<double> readyPodMetrics)
    {
        ArgumentNullException.ThrowIfNull(readyPodMetrics);
        var present = readyPodMetrics.Where(m => !double.IsNaN(m)).ToList();
        var missing = readyPodMetrics.Count - present.Count;
        if (present.Count == 0)
        {
            return null;
        }

        var usageRatio = present.Average() / Settings.Target;
        if (missing == 0)
        {
            return Math.Abs(1.0 - usageRatio) <= Settings.Tolerance ? currentReplicas : (int)Math.Ceiling(usageRatio * present.Count);
        }

        // Missing pods: 0 on scale-up, the target on scale-down, then the ratio again over every pod.
        var filled = present.Sum() + (usageRatio < 1.0 ? missing * Settings.Target : 0);
        var all = present.Count + missing;
        var newRatio = filled / all / Settings.Target;
        if (Math.Abs(1.0 - newRatio) <= Settings.Tolerance || (usageRatio < 1.0 && newRatio > 1.0) || (usageRatio > 1.0 && newRatio < 1.0))
        {
            return currentReplicas;
        }

        var replicas = (int)Math.Ceiling(newRatio * all);
        return (newRatio < 1.0 && replicas > currentReplicas) || (newRatio > 1.0 && replicas < currentReplicas) ? currentReplicas : replicas;
    }

    // horizontal.go, normalizeDesiredReplicasWithBehaviors: stabilize, then apply the rate policies and bounds.
    private int Normalize(DateTimeOffset now, int current, int recommended)
    {
        var downCutoff = now - Settings.ScaleDownStabilization;
        var upCutoff = now - Settings.ScaleUpStabilization;
        int up = recommended, down = recommended;
        foreach (var (at, replicas) in _recommendations)
        {
            if (at > upCutoff)
            {
                up = Math.Min(up, replicas);
            }

            if (at > downCutoff)
            {
                down = Math.Max(down, replicas);
            }
        }

        _recommendations.RemoveAll(r => r.At <= upCutoff && r.At <= downCutoff);
        _recommendations.Add((now, recommended));
        var stabilized = Math.Min(Math.Max(current, up), down);

        if (stabilized > current)
        {
            var limit = Math.Max(current, ScaleUpLimit(now, current));
            return Math.Min(stabilized, Math.Min(Settings.MaxReplicas, limit));
        }

        if (stabilized < current)
        {
            var limit = Math.Min(current, ScaleDownLimit(now, current));
            return Math.Max(stabilized, Math.Max(Settings.MinReplicas, limit));
        }

        return stabilized;
    }

    // Default scale-up policies, select Max: +100 % or +4 pods per 15 s, from the replicas at the start of the period.
    private int ScaleUpLimit(DateTimeOffset now, int current)
    {
        var start = current - Changes(_scaleUps, now, Settings.PolicyPeriod) + Changes(_scaleDowns, now, Settings.PolicyPeriod);
        var byPercent = (int)Math.Ceiling(start * (1 + (Settings.ScaleUpPercent / 100.0)));
        return Math.Max(byPercent, start + Settings.ScaleUpPods);
    }

    // Default scale-down policy: -100 % per 15 s, i.e. straight to the stabilized recommendation.
    private int ScaleDownLimit(DateTimeOffset now, int current)
    {
        var start = current - Changes(_scaleUps, now, Settings.PolicyPeriod) + Changes(_scaleDowns, now, Settings.PolicyPeriod);
        return (int)(start * (1 - (Settings.ScaleDownPercent / 100.0)));
    }

    private static int Changes(List<(DateTimeOffset At, int Change)> events, DateTimeOffset now, TimeSpan period) =>
        events.Where(e => e.At > now - period).Sum(e => e.Change);

    private void Record(List<(DateTimeOffset At, int Change)> events, DateTimeOffset now, int change)
    {
        events.RemoveAll(e => e.At <= now - Settings.PolicyPeriod);
        events.Add((now, change));
    }
}
