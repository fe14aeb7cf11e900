namespace AiOperator.Operator.Monitoring;

/// <summary>
/// Folds the pods of one revision over a window into <see cref="RevisionMetrics"/> (pure). Counter
/// increases count resets as Prometheus does, and nothing is extrapolated past the data. A pod scraped
/// before the window contributes its own rate over its samples (a gap in its scrapes is not read as
/// idleness); a pod that appeared inside the window contributes its work spread over the time the data
/// covers (the window, or less while the window is not yet full, so a just-started operator does not
/// under-read). Such a pod, when its first values fit one interval of its rate, is counted from zero one
/// interval before its first scrape (it just started: its counters began at 0). Latency quantiles come from the summed bucket increases as
/// histogram_quantile(); concurrency by Little's law from the request-seconds counter (the in-flight
/// gauge when no pod has two samples); GPU utilisation from NVML, else the busy ratio.
/// </summary>
internal static class RevisionWindow
{
    public static RevisionMetrics? Compute(IEnumerable<PodSeries> pods, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(pods);
        if (to <= from)
        {
            return null;
        }

        double rps = 0, answeredPerSecond = 0, errorsPerSecond = 0, busy = 0, gaugeSum = 0, gpuSum = 0;
        var newCounts = new List<PodCounts>();
        var anyOld = false;
        int withRates = 0, withGauge = 0, withGpu = 0, scraped = 0, failed = 0;
        var earliest = DateTimeOffset.MaxValue;
        var latest = DateTimeOffset.MinValue;
        double[]? bounds = null;
        double[]? bucketIncrease = null;
        foreach (var pod in pods)
        {
            if (pod.LastFailed && pod.LastAttempt > from)
            {
                failed++;
            }

            var range = pod.Range(from, to);
            if (range.Length == 0)
            {
                continue;
            }

            scraped++;
            var inFlight = Mean(range.Points, s => s.InFlight);
            if (!double.IsNaN(inFlight))
            {
                withGauge++;
                gaugeSum += inFlight;
            }

            var gpu = Mean(range.Points, s => s.GpuUtilization);
            if (double.IsNaN(gpu))
            {
                gpu = Mean(range.Points, s => s.BusyRatio);
            }

            if (!double.IsNaN(gpu))
            {
                withGpu++;
                gpuSum += gpu;
            }

            AddBuckets(range, ref bounds, ref bucketIncrease);
            if (range.Length < 2)
            {
                continue;
            }

            var values = new double[range.Length];
            // Demand is counted on arrival when the server says so (a request waiting in a full queue, or
            // refused, is demand before it is answered); from the answered ones otherwise.
            var arrivals = AllFinite(range.Points, r => r.Received);
            Func<PodPoint, double> arrived = arrivals ? r => r.Received : r => r.Requests;
            var counts = new PodCounts(
                Increase(range.Points, values, r => r.Requests), Increase(range.Points, values, r => r.Failure), Increase(range.Points, values, r => r.RequestSeconds),
                Increase(range.Points, values, arrived));
            var first = range[0];
            var start = first.At;
            var interval = (range[^1].At - first.At) / (range.Length - 1);
            var isNew = pod.FirstSampleAt > from;
            if (isNew && FitsOneInterval(first.Requests, counts.Requests, range.Length - 1) && FitsOneInterval(first.RequestSeconds, counts.Seconds, range.Length - 1))
            {
                counts = new PodCounts(counts.Requests + first.Requests, counts.Failures + first.Failure, counts.Seconds + first.RequestSeconds, counts.Arrivals + arrived(first));
                start -= interval;
            }

            withRates++;
            if (isNew)
            {
                newCounts.Add(counts);
            }
            else
            {
                // Here before the window: its own rate stands for the whole window, gaps in its scrapes included.
                anyOld = true;
                var own = (range[^1].At - start).TotalSeconds;
                rps += counts.Arrivals / own;
                answeredPerSecond += counts.Requests / own;
                errorsPerSecond += counts.Failures / own;
                busy += counts.Seconds / own;
            }

            earliest = start < earliest ? start : earliest;
            latest = range[^1].At > latest ? range[^1].At : latest;
        }

        // Pods that appeared inside the window did nothing before they appeared: their work is spread over the
        // window, or over the time the data covers while no pod is older than the window (operator just started).
        var span = withRates == 0 ? double.NaN : anyOld ? (to - from).TotalSeconds : Math.Min((to - from).TotalSeconds, (latest - earliest).TotalSeconds);
        foreach (var counts in newCounts)
        {
            rps += counts.Arrivals / span;
            answeredPerSecond += counts.Requests / span;
            errorsPerSecond += counts.Failures / span;
            busy += counts.Seconds / span;
        }

        if (scraped == 0)
        {
            return null;
        }

        var total = withRates == 0 ? double.NaN : answeredPerSecond * span;
        var totalConcurrency = withRates > 0 ? busy : withGauge > 0 ? gaugeSum : double.NaN;
        var reporting = withRates > 0 ? withRates : withGauge;
        return new RevisionMetrics(
            Requests: total,
            RequestsPerSecond: withRates == 0 ? double.NaN : rps,
            ErrorRate: answeredPerSecond > 0 ? errorsPerSecond / answeredPerSecond : double.NaN,
            LatencyP50Ms: Quantile(0.50, bounds, bucketIncrease) * 1000,
            LatencyP95Ms: Quantile(0.95, bounds, bucketIncrease) * 1000,
            LatencyP99Ms: Quantile(0.99, bounds, bucketIncrease) * 1000,
            Concurrency: reporting == 0 ? double.NaN : totalConcurrency / reporting,
            GpuUtilization: withGpu == 0 ? double.NaN : gpuSum / withGpu,
            PodsScraped: scraped,
            PodsFailed: failed,
            SampledAt: to)
        {
            TotalConcurrency = totalConcurrency,
            TotalGpuUtilization = withGpu == 0 ? double.NaN : gpuSum,
        };
    }

    // Requests: answered (success + failure), the base of the error rate; Arrivals: demand (see Compute).
    private readonly record struct PodCounts(double Requests, double Failures, double Seconds, double Arrivals);

    private static bool AllFinite(ReadOnlySpan<PodPoint> range, Func<PodPoint, double> pick)
    {
        foreach (var point in range)
        {
            if (!double.IsFinite(pick(point)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>histogram_quantile over cumulative bucket counts; NaN when nothing was observed.</summary>
    public static double Quantile(double q, double[]? bounds, double[]? cumulative)
    {
        if (bounds is null || cumulative is null || bounds.Length == 0 || !double.IsPositiveInfinity(bounds[^1]))
        {
            return double.NaN;
        }

        var count = cumulative[^1];
        if (!(count > 0))
        {
            return double.NaN;
        }

        var rank = q * count;
        var b = 0;
        while (b < cumulative.Length - 1 && cumulative[b] < rank)
        {
            b++;
        }

        if (b == bounds.Length - 1)
        {
            // In the +Inf bucket: the highest finite bound is the best answer, as Prometheus gives.
            return bounds.Length >= 2 ? bounds[^2] : double.NaN;
        }

        var lower = b == 0 ? 0 : bounds[b - 1];
        var below = b == 0 ? 0 : cumulative[b - 1];
        var inBucket = cumulative[b] - below;
        return inBucket <= 0 ? bounds[b] : lower + ((bounds[b] - lower) * ((rank - below) / inBucket));
    }

    private static double Increase(ReadOnlySpan<PodPoint> range, double[] values, Func<PodPoint, double> pick)
    {
        for (var i = 0; i < range.Length; i++)
        {
            values[i] = pick(range[i]);
        }

        return CounterMath.Increase(values);
    }

    // A counter that began at 0 one interval before its first scrape holds about one interval's increase
    // (half again for jitter); a long-running pod met for the first time holds far more.
    private static bool FitsOneInterval(double firstValue, double increase, int intervals) =>
        firstValue <= 1 || firstValue <= 1.5 * increase / intervals;

    private static double Mean(ReadOnlySpan<PodPoint> range, Func<PodPoint, double> pick)
    {
        double sum = 0;
        var n = 0;
        foreach (var s in range)
        {
            var v = pick(s);
            if (double.IsFinite(v))
            {
                sum += v;
                n++;
            }
        }

        return n == 0 ? double.NaN : sum / n;
    }

    // Bucket increases (resets counted) from the last run of samples with the same bounds, summed over pods
    // that share the revision's bounds; the result is made monotonic, as Prometheus does.
    private static void AddBuckets(PodRange range, ref double[]? bounds, ref double[]? sum)
    {
        var last = range[^1];
        if (last.BucketBounds.Length == 0)
        {
            return;
        }

        var first = range.Length - 1;
        while (first > 0 && SameBounds(range[first - 1].BucketBounds, last.BucketBounds))
        {
            first--;
        }

        if (range.Length - first < 2)
        {
            return;
        }

        if (bounds is null)
        {
            bounds = last.BucketBounds;
            sum = new double[bounds.Length];
        }
        else if (!SameBounds(bounds, last.BucketBounds))
        {
            return;
        }

        var previous = 0.0;
        for (var b = 0; b < bounds.Length; b++)
        {
            var increase = Math.Max(previous, range.BucketIncrease(first, range.Length - 1, b));
            sum![b] += increase;
            previous = increase;
        }
    }

    private static bool SameBounds(double[] a, double[] b) => ReferenceEquals(a, b) || a.AsSpan().SequenceEqual(b);
}
