using System.Globalization;
using System.Text;

namespace AiOperator.Benchmarks.Autoscaling;

/// <summary>
/// One model pod of the simulation: its share of the served requests accumulated in the counters the
/// model server exposes, rendered as the server renders them (same names, labels, histogram buckets),
/// so the operator's parser and windows read it as they read a real pod.
/// </summary>
internal sealed class SimulatedPod(string name, DateTimeOffset readyAt)
{
    // The model server's request-latency buckets (ServerMetrics.LatencyBounds) and +Inf.
    private static readonly double[] Bounds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, double.PositiveInfinity];
    private readonly double[] _buckets = new double[Bounds.Length];
    private double _received;
    private double _success;
    private double _failure;
    private double _micros;
    private double _inFlight;
    private double _busy;

    public string Name { get; } = name;

    public DateTimeOffset ReadyAt { get; } = readyAt;

    public bool IsReady(DateTimeOffset now) => ReadyAt <= now;

    /// <summary>Adds this pod's share (1 ÷ ready pods) of what the ready pods did; refused requests count as failures that took no time, and every request counts as received when it comes.</summary>
    public void Serve(ServingTick tick, int readyPods)
    {
        var completed = tick.Completed / readyPods;
        _received += tick.Arrived / readyPods;
        _success += completed;
        _failure += tick.Rejected / readyPods;
        _micros += completed * tick.MeanLatencySeconds * 1e6;
        for (var b = 0; b < Bounds.Length; b++)
        {
            _buckets[b] += completed * (double.IsPositiveInfinity(Bounds[b]) ? 1 : tick.LatencyCdf(Bounds[b]));
        }

        _inFlight = tick.InFlight / readyPods;
        _busy = tick.BusyRatio;
    }

    public string Render()
    {
        const string labels = "model=\"m\",version=\"1\"";
        var sb = new StringBuilder(2048);
        sb.Append("# TYPE nv_inference_request_success counter\n");
        sb.Append(CultureInfo.InvariantCulture, $"nv_inference_request_success{{{labels}}} {Math.Floor(_success)}\n");
        sb.Append(CultureInfo.InvariantCulture, $"nv_inference_request_failure{{{labels}}} {Math.Floor(_failure)}\n");
        sb.Append(CultureInfo.InvariantCulture, $"nv_inference_request_duration_us{{{labels}}} {Math.Floor(_micros)}\n");
        sb.Append("# TYPE aiop_request_duration_seconds histogram\n");
        for (var b = 0; b < Bounds.Length; b++)
        {
            var le = double.IsPositiveInfinity(Bounds[b]) ? "+Inf" : Bounds[b].ToString("R", CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"aiop_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {Math.Floor(_buckets[b])}\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"aiop_inflight_requests{{{labels}}} {Math.Round(_inFlight)}\n");
        sb.Append(CultureInfo.InvariantCulture, $"aiop_inference_requests_received_total{{{labels}}} {Math.Floor(_received)}\n");
        sb.Append(CultureInfo.InvariantCulture, $"aiop_busy_ratio{{{labels}}} {_busy.ToString("R", CultureInfo.InvariantCulture)}\n");
        sb.Append(CultureInfo.InvariantCulture, $"aiop_model_ready{{{labels}}} 1\n");
        return sb.ToString();
    }
}
