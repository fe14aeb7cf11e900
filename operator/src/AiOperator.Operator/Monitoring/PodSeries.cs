namespace AiOperator.Operator.Monitoring;

/// <summary>
/// One model pod's recent scrapes (oldest first, trimmed to the retention) and how its last attempt went.
/// Kept compact, as hundreds of pods × a window of samples live in the operator: one array of
/// <see cref="PodPoint"/> structs and one flat array of bucket increases (a float per bucket per sample:
/// an increase over one scrape interval is a count of observations, exact in a float up to 2^24), with
/// the bucket bounds shared while they do not change.
/// </summary>
internal sealed class PodSeries(string @namespace, string pod, string modelDeployment, string revision)
{
    private const int MinCapacity = 8;

    private PodPoint[] _points = [];
    private float[] _bucketIncreases = [];
    private int _stride;
    private int _start;
    private int _count;

    // The last sample's raw bucket counts: the next sample's increases are taken from them.
    private double[] _lastBuckets = [];

    public string Namespace { get; } = @namespace;

    public string Pod { get; } = pod;

    public string ModelDeployment { get; } = modelDeployment;

    public string Revision { get; } = revision;

    public int Count => _count;

    /// <summary>Samples the arrays have room for (what the series costs, not what it holds).</summary>
    public int Capacity => _points.Length;

    /// <summary>The bucket bounds of the last sample, so a new sample can share the array.</summary>
    public double[]? LastBounds => _count > 0 ? _points[_start + _count - 1].BucketBounds : null;

    public DateTimeOffset? LastAttempt { get; private set; }

    /// <summary>When this pod was first scraped; a window that starts there may count the pod's counters from zero.</summary>
    public DateTimeOffset? FirstSampleAt { get; private set; }

    public bool LastFailed { get; private set; }

    public void Add(PodSample sample, TimeSpan retention)
    {
        ArgumentNullException.ThrowIfNull(sample);

        // Scrapes of one pod are sequential, but a late one must not break the order the math relies on.
        var ticks = sample.At.UtcTicks;
        if (_count > 0 && ticks <= _points[_start + _count - 1].UtcTicks)
        {
            return;
        }

        if (sample.BucketCounts.Length != sample.BucketBounds.Length)
        {
            throw new ArgumentException($"{sample.BucketBounds.Length} bucket bounds but {sample.BucketCounts.Length} counts", nameof(sample));
        }

        Trim(sample.At - retention);
        var previousBounds = LastBounds;
        var sameBounds = previousBounds is not null && (ReferenceEquals(previousBounds, sample.BucketBounds) || previousBounds.AsSpan().SequenceEqual(sample.BucketBounds));
        var bounds = sameBounds ? previousBounds! : sample.BucketBounds;
        MakeRoom(bounds.Length);
        var slot = _start + _count;
        _points[slot] = new PodPoint(ticks, sample.Success, sample.Failure, sample.RequestSeconds, sample.InFlight, sample.BusyRatio, sample.GpuUtilization, bounds, sample.Received);
        var increases = _bucketIncreases.AsSpan(slot * _stride, _stride);
        increases.Clear();
        if (sameBounds)
        {
            // As Prometheus counts a reset: a count lower than before restarted from 0, so all of it is increase.
            for (var b = 0; b < bounds.Length; b++)
            {
                var now = sample.BucketCounts[b];
                var before = _lastBuckets[b];
                increases[b] = (float)(now >= before ? now - before : now);
            }
        }

        _lastBuckets = sample.BucketCounts.Length == _lastBuckets.Length ? _lastBuckets : new double[sample.BucketCounts.Length];
        sample.BucketCounts.AsSpan().CopyTo(_lastBuckets);
        _count++;
        FirstSampleAt ??= sample.At;
        LastAttempt = sample.At;
        LastFailed = false;
    }

    public void AddFailure(DateTimeOffset at, TimeSpan retention)
    {
        LastAttempt = at;
        LastFailed = true;
        Trim(at - retention);
    }

    /// <summary>Samples with from &lt; At ≤ to, as Prometheus selects a range.</summary>
    public PodRange Range(DateTimeOffset from, DateTimeOffset to)
    {
        var points = _points.AsSpan(_start, _count);
        var first = 0;
        while (first < points.Length && points[first].UtcTicks <= from.UtcTicks)
        {
            first++;
        }

        var last = first;
        while (last < points.Length && points[last].UtcTicks <= to.UtcTicks)
        {
            last++;
        }

        return new PodRange(points[first..last], _bucketIncreases.AsSpan((_start + first) * _stride, (last - first) * _stride), _stride);
    }

    private void Trim(DateTimeOffset oldest)
    {
        while (_count > 0 && _points[_start].UtcTicks < oldest.UtcTicks)
        {
            _points[_start] = default;
            _start++;
            _count--;
        }

        if (_count == 0)
        {
            _start = 0;
        }
    }

    // Room for one more sample at the end: the kept samples move to the front of arrays with a little room
    // over them (an eighth and 4), so a series at its steady length moves them every few scrapes and holds
    // little slack; arrays are resized only when they are too small or over twice that size (the keep shrank).
    private void MakeRoom(int buckets)
    {
        if (_start + _count < _points.Length && buckets <= _stride)
        {
            return;
        }

        var needed = _count + 1;
        var target = Math.Max(MinCapacity, needed + (needed / 8) + 4);
        var capacity = needed > _points.Length || _points.Length > 2 * target ? target : _points.Length;

        var stride = Math.Max(_stride, buckets);
        var points = capacity == _points.Length ? _points : new PodPoint[capacity];
        var increases = capacity == _points.Length && stride == _stride ? _bucketIncreases : new float[capacity * stride];
        if (stride == _stride)
        {
            _bucketIncreases.AsSpan(_start * _stride, _count * _stride).CopyTo(increases);
        }
        else
        {
            for (var i = 0; i < _count; i++)
            {
                _bucketIncreases.AsSpan((_start + i) * _stride, _stride).CopyTo(increases.AsSpan(i * stride));
            }
        }

        _points.AsSpan(_start, _count).CopyTo(points);
        points.AsSpan(_count).Clear();
        _points = points;
        _bucketIncreases = increases;
        _stride = stride;
        _start = 0;
    }
}
