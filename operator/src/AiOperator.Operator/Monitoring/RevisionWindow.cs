namespace AiOperator.Operator.Monitoring;

/// <summary>
/// Folds the pods of one revision over a window into <see cref="RevisionMetrics"/> (pure): rates as
/// Prometheus rate() (resets counted, extrapolated to the window's edges), latency quantiles from the
/// summed bucket increases as histogram_quantile(), concurrency by Little's law from the request-seconds
/// counter (the in-flight gauge when a pod has a single sample), GPU utilisation from NVML else busy ratio.
/// </summary>
internal static class RevisionWindow
{
    public static RevisionMetrics? Compute(IEnumerable<PodSeries> pods, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var seconds = (to - from).TotalSeconds;
        if (seconds <= 0)
        {
            return null;
        }

        double requests = 0, failures = 0, concurrencySum = 0, gpuSum = 0;
        int withRates = 0, withConcurrency = 0, withGpu = 0, scraped = 0, failed = 0;
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
            var times = new double[range.Length];
            var values = new double[range.Length];
            for (var i = 0; i < range.Length; i++)
            {
                times[i] = (range[i].At - from).TotalSeconds;
            }

            var start = 0.0;
            var requestIncrease = Increase(range, times, values, s => s.Requests, start, seconds);
            if (!double.IsNaN(requestIncrease))
            {
                withRates++;
                requests += requestIncrease;
                failures += Increase(range, times, values, s => s.Failure, start, seconds);
            }

            var busySeconds = Increase(range, times, values, s => s.RequestSeconds, start, seconds);
            var concurrency = double.IsNaN(busySeconds) ? Mean(range, s => s.InFlight) : busySeconds / seconds;
            if (!double.IsNaN(concurrency))
            {
                withConcurrency++;
                concurrencySum += concurrency;
            }

            var gpu = Mean(range, s => s.GpuUtilization);
            if (double.IsNaN(gpu))
            {
                gpu = Mean(range, s => s.BusyRatio);
            }

            if (!double.IsNaN(gpu))
            {
                withGpu++;
                gpuSum += gpu;
            }

            AddBuckets(range, ref bounds, ref bucketIncrease);
        }

        if (scraped == 0)
        {
            return null;
        }

        var total = withRates == 0 ? double.NaN : requests;
        var errorRate = total > 0 ? failures / total : double.NaN;
        return new RevisionMetrics(
            Requests: total,
            RequestsPerSecond: total / seconds,
            ErrorRate: errorRate,
            LatencyP50Ms: Quantile(0.50, bounds, bucketIncrease) * 1000,
            LatencyP95Ms: Quantile(0.95, bounds, bucketIncrease) * 1000,
            LatencyP99Ms: Quantile(0.99, bounds, bucketIncrease) * 1000,
            Concurrency: withConcurrency == 0 ? double.NaN : concurrencySum / withConcurrency,
            GpuUtilization: withGpu == 0 ? double.NaN : gpuSum / withGpu,
            PodsScraped: scraped,
            PodsFailed: failed,
            SampledAt: to)
        {
            TotalConcurrency = withConcurrency == 0 ? double.NaN : concurrencySum,
            TotalGpuUtilization = withGpu == 0 ? double.NaN : gpuSum,
        };
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

    private static double Increase(ReadOnlySpan<PodSample> range, double[] times, double[] values, Func<PodSample, double> pick, double start, double end)
    {
        for (var i = 0; i < range.Length; i++)
        {
            values[i] = pick(range[i]);
        }

        return CounterMath.ExtrapolatedIncrease(times, values, start, end);
    }

    private static double Mean(ReadOnlySpan<PodSample> range, Func<PodSample, double> pick)
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
    private static void AddBuckets(ReadOnlySpan<PodSample> range, ref double[]? bounds, ref double[]? sum)
    {
        var last = range[^1];
        if (last.BucketBounds.Length == 0)
        {
            return;
        }

        var first = range.Length - 1;
        while (first > 0 && range[first - 1].BucketBounds.AsSpan().SequenceEqual(last.BucketBounds))
        {
            first--;
        }

        var run = range[first..];
        if (run.Length < 2)
        {
            return;
        }

        if (bounds is null)
        {
            bounds = last.BucketBounds;
            sum = new double[bounds.Length];
        }
        else if (!bounds.AsSpan().SequenceEqual(last.BucketBounds))
        {
            return;
        }

        var values = new double[run.Length];
        var previous = 0.0;
        for (var b = 0; b < bounds.Length; b++)
        {
            for (var i = 0; i < run.Length; i++)
            {
                values[i] = run[i].BucketCounts[b];
            }

            var increase = Math.Max(previous, CounterMath.Increase(values));
            sum![b] += increase;
            previous = increase;
        }
    }
}
