using AiOperator.Operator.Monitoring;

namespace AiOperator.Operator.Tests.Monitoring;

// A model pod's counters driven by a load: each Advance serves rps requests per second for the given
// time, each taking latency seconds (so concurrency = rps × latency by Little's law).
internal sealed class SyntheticPod
{
    private static readonly double[] Bounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, double.PositiveInfinity];
    private readonly double[] _buckets = new double[Bounds.Length];
    private double _success;
    private double _failure;
    private double _seconds;
    private double _received;

    public double InFlight { get; private set; }

    public double Busy { get; set; } = double.NaN;

    public double Gpu { get; set; } = double.NaN;

    public string? LoadFailure { get; set; }

    /// <summary>Exposes the arrivals counter, as the model server does (older servers do not).</summary>
    public bool ReportsArrivals { get; init; }

    /// <summary><paramref name="arrivalsPerSecond"/>: requests that came (default: as many as were answered); the rest wait or are refused.</summary>
    public void Advance(TimeSpan elapsed, double rps, double latencySeconds, double errorShare = 0, double? arrivalsPerSecond = null)
    {
        var requests = rps * elapsed.TotalSeconds;
        _received += (arrivalsPerSecond ?? rps) * elapsed.TotalSeconds;
        _failure += requests * errorShare;
        _success += requests * (1 - errorShare);
        _seconds += requests * latencySeconds;
        InFlight = rps * latencySeconds;
        for (var b = 0; b < Bounds.Length; b++)
        {
            if (latencySeconds <= Bounds[b])
            {
                _buckets[b] += requests;
            }
        }
    }

    /// <summary>The container restarted: every counter starts again from zero.</summary>
    public void Restart()
    {
        _success = _failure = _seconds = _received = 0;
        Array.Clear(_buckets);
    }

    public PodSample Sample(DateTimeOffset at) =>
        new(at, _success, _failure, _seconds, InFlight, Busy, Gpu, Bounds, [.. _buckets], LoadFailure is null, LoadFailure)
        {
            Received = ReportsArrivals ? _received : double.NaN,
        };
}
