namespace AiOperator.Operator.Monitoring;

/// <summary>
/// The scraped series of every model pod, kept for <see cref="Retention"/> and read per revision as
/// <see cref="IRevisionMetrics"/>. Thread-safe: the scraper writes, the autoscaler and reconcilers read.
/// </summary>
internal sealed class MetricsStore(TimeProvider timeProvider, TimeSpan retention) : IRevisionMetrics
{
    private readonly Dictionary<(string Namespace, string Pod), PodSeries> _pods = [];
    private readonly Lock _lock = new();

    public TimeSpan Retention { get; } = retention;

    public int PodCount
    {
        get
        {
            lock (_lock)
            {
                return _pods.Count;
            }
        }
    }

    public void Record(string @namespace, string pod, string modelDeployment, string revision, PodSample sample)
    {
        lock (_lock)
        {
            Series(@namespace, pod, modelDeployment, revision).Add(sample, Retention);
        }
    }

    public void RecordFailure(string @namespace, string pod, string modelDeployment, string revision, DateTimeOffset at)
    {
        lock (_lock)
        {
            Series(@namespace, pod, modelDeployment, revision).AddFailure(at, Retention);
        }
    }

    /// <summary>The bounds array of the pod's last sample, so a new sample can share it.</summary>
    public double[]? LastBounds(string @namespace, string pod)
    {
        lock (_lock)
        {
            return _pods.TryGetValue((@namespace, pod), out var series) && series.Samples.Count > 0 ? series.Samples[^1].BucketBounds : null;
        }
    }

    /// <summary>Forgets pods that no longer exist.</summary>
    public void Retain(IReadOnlySet<(string Namespace, string Pod)> live)
    {
        lock (_lock)
        {
            foreach (var key in _pods.Keys.Where(k => !live.Contains(k)).ToList())
            {
                _pods.Remove(key);
            }
        }
    }

    public RevisionMetrics? Snapshot(string @namespace, string modelDeployment, string revision, TimeSpan window)
    {
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            return RevisionWindow.Compute(
                _pods.Values.Where(p => p.Namespace == @namespace && p.ModelDeployment == modelDeployment && p.Revision == revision),
                now - window, now);
        }
    }

    private PodSeries Series(string @namespace, string pod, string modelDeployment, string revision)
    {
        if (!_pods.TryGetValue((@namespace, pod), out var series) || series.Revision != revision || series.ModelDeployment != modelDeployment)
        {
            series = new PodSeries(@namespace, pod, modelDeployment, revision);
            _pods[(@namespace, pod)] = series;
        }

        return series;
    }
}
