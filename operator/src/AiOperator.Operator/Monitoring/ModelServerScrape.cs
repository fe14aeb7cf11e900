namespace AiOperator.Operator.Monitoring;

/// <summary>
/// Reads the model server's metric names (runtime-image/README.md, "Metrics the operator reads") out of
/// a parsed /metrics body. Series of one name are summed (one model per server, but versions may differ).
/// </summary>
internal static class ModelServerScrape
{
    public const string Success = "nv_inference_request_success";
    public const string Failure = "nv_inference_request_failure";
    public const string RequestDurationMicros = "nv_inference_request_duration_us";
    public const string LatencyBucket = "aiop_request_duration_seconds_bucket";
    public const string InFlight = "aiop_inflight_requests";
    public const string Received = "aiop_inference_requests_received_total";
    public const string BusyRatio = "aiop_busy_ratio";
    public const string GpuUtilization = "nv_gpu_utilization";
    public const string ModelReady = "aiop_model_ready";
    public const string LoadFailure = "aiop_model_load_failure";

    private static readonly HashSet<string> Names = new([Success, Failure, Received, RequestDurationMicros, LatencyBucket, InFlight, BusyRatio, GpuUtilization, ModelReady, LoadFailure], StringComparer.Ordinal);
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> NamesBySpan = Names.GetAlternateLookup<ReadOnlySpan<char>>();

    public static bool Wanted(string name) => Names.Contains(name);

    /// <summary>The metric's name when the operator reads it, without allocating for the lines it skips.</summary>
    public static string? WantedName(ReadOnlySpan<char> name) => NamesBySpan.TryGetValue(name, out var known) ? known : null;

    /// <summary>The sample; <paramref name="previousBounds"/> is reused when the buckets did not change, so series share one array.</summary>
    public static PodSample ToSample(IReadOnlyList<PrometheusSample> samples, DateTimeOffset at, double[]? previousBounds = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        double success = 0, failure = 0, received = double.NaN, micros = 0, inFlight = double.NaN, busy = double.NaN, gpuSum = 0;
        var gpus = 0;
        bool? ready = null;
        string? loadFailure = null;
        var buckets = new SortedDictionary<double, double>();
        foreach (var s in samples)
        {
            switch (s.Name)
            {
                case Success:
                    success += s.Value;
                    break;
                case Failure:
                    failure += s.Value;
                    break;
                case Received:
                    received = double.IsNaN(received) ? s.Value : received + s.Value;
                    break;
                case RequestDurationMicros:
                    micros += s.Value;
                    break;
                case InFlight:
                    inFlight = AddGauge(inFlight, s.Value);
                    break;
                case BusyRatio:
                    busy = double.IsNaN(busy) ? s.Value : Math.Max(busy, s.Value);
                    break;
                case GpuUtilization when double.IsFinite(s.Value):
                    gpuSum += s.Value;
                    gpus++;
                    break;
                case ModelReady:
                    ready = (ready ?? true) && s.Value >= 1;
                    break;
                case LoadFailure when s.Value >= 1:
                    loadFailure ??= s.Label("reason") is { Length: > 0 } reason ? reason : "model failed to load";
                    break;
                case LatencyBucket when ParseBound(s.Label("le")) is { } bound:
                    buckets[bound] = buckets.GetValueOrDefault(bound) + s.Value;
                    break;
            }
        }

        var bounds = buckets.Keys.ToArray();
        if (previousBounds is not null && previousBounds.AsSpan().SequenceEqual(bounds))
        {
            bounds = previousBounds;
        }

        return new PodSample(at, success, failure, micros / 1e6, inFlight, busy, gpus == 0 ? double.NaN : gpuSum / gpus,
            bounds, [.. buckets.Values], ready, loadFailure) { Received = received };
    }

    private static double AddGauge(double current, double value) => double.IsNaN(current) ? value : current + value;

    private static double? ParseBound(string? le) => le switch
    {
        null => null,
        "+Inf" => double.PositiveInfinity,
        _ => double.TryParse(le, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null,
    };
}
