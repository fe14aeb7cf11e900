namespace AiOperator.Operator.Monitoring;

/// <summary>One model pod's recent scrapes (oldest first, trimmed to the retention) and how its last attempt went.</summary>
internal sealed class PodSeries(string @namespace, string pod, string modelDeployment, string revision)
{
    private readonly List<PodSample> _samples = [];

    public string Namespace { get; } = @namespace;

    public string Pod { get; } = pod;

    public string ModelDeployment { get; } = modelDeployment;

    public string Revision { get; } = revision;

    public IReadOnlyList<PodSample> Samples => _samples;

    public DateTimeOffset? LastAttempt { get; private set; }

    /// <summary>When this pod was first scraped; a window that starts there may count the pod's counters from zero.</summary>
    public DateTimeOffset? FirstSampleAt { get; private set; }

    public bool LastFailed { get; private set; }

    public void Add(PodSample sample, TimeSpan retention)
    {
        // Scrapes of one pod are sequential, but a late one must not break the order the math relies on.
        if (_samples.Count > 0 && sample.At <= _samples[^1].At)
        {
            return;
        }

        _samples.Add(sample);
        FirstSampleAt ??= sample.At;
        LastAttempt = sample.At;
        LastFailed = false;
        Trim(sample.At - retention);
    }

    public void AddFailure(DateTimeOffset at, TimeSpan retention)
    {
        LastAttempt = at;
        LastFailed = true;
        Trim(at - retention);
    }

    /// <summary>Samples with from &lt; At ≤ to, as Prometheus selects a range.</summary>
    public ReadOnlySpan<PodSample> Range(DateTimeOffset from, DateTimeOffset to)
    {
        var first = 0;
        while (first < _samples.Count && _samples[first].At <= from)
        {
            first++;
        }

        var last = first;
        while (last < _samples.Count && _samples[last].At <= to)
        {
            last++;
        }

        return System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_samples)[first..last];
    }

    private void Trim(DateTimeOffset oldest)
    {
        var drop = 0;
        while (drop < _samples.Count && _samples[drop].At < oldest)
        {
            drop++;
        }

        if (drop > 0)
        {
            _samples.RemoveRange(0, drop);
        }
    }
}
