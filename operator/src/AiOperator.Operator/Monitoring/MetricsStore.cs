namespace AiOperator.Operator.Monitoring;

/// <summary>
/// The scraped series of every model pod, read per revision as <see cref="IRevisionMetrics"/>.
/// Thread-safe: the scraper writes, the autoscaler and reconcilers read. Samples are kept as long as the
/// longest window read in the last <see cref="Retention"/> (the autoscaler's 60 s, a canary analysis
/// interval), never longer than <see cref="Retention"/>, and all of it until the first read: hundreds of
/// pods' samples are most of what the scraper costs in memory.
/// </summary>
internal sealed class MetricsStore(TimeProvider timeProvider, TimeSpan retention) : IRevisionMetrics
{
    private readonly Dictionary<(string Namespace, string Pod), PodSeries> _pods = [];
    private readonly WindowsInUse _windows = new(retention);
    private readonly Lock _lock = new();

    /// <summary>The longest samples are kept; windows longer than this see only this much.</summary>
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

    /// <summary>Samples kept over all pods, and how many the series' arrays have room for (what they cost).</summary>
    public (int Kept, int Capacity) SampleCount
    {
        get
        {
            lock (_lock)
            {
                return (_pods.Values.Sum(p => p.Count), _pods.Values.Sum(p => p.Capacity));
            }
        }
    }

    /// <summary>How long samples are kept now: the longest window read lately (<see cref="WindowsInUse"/>).</summary>
    public TimeSpan Keep
    {
        get
        {
            lock (_lock)
            {
                return _windows.Longest(timeProvider.GetUtcNow());
            }
        }
    }

    public void Record(string @namespace, string pod, string modelDeployment, string revision, PodSample sample)
    {
        lock (_lock)
        {
            Series(@namespace, pod, modelDeployment, revision).Add(sample, _windows.Longest(timeProvider.GetUtcNow()));
        }
    }

    public void RecordFailure(string @namespace, string pod, string modelDeployment, string revision, DateTimeOffset at)
    {
        lock (_lock)
        {
            Series(@namespace, pod, modelDeployment, revision).AddFailure(at, _windows.Longest(timeProvider.GetUtcNow()));
        }
    }

    /// <summary>The bounds array of the pod's last sample, so a new sample can share it.</summary>
    public double[]? LastBounds(string @namespace, string pod)
    {
        lock (_lock)
        {
            return _pods.TryGetValue((@namespace, pod), out var series) ? series.LastBounds : null;
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
            _windows.Read(window, now);
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
