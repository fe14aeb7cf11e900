namespace AiOperator.Benchmarks.Autoscaling;

/// <summary>What the ready pods did in one step of simulated time, summed over them; Arrived is every request that came (served, queued or refused).</summary>
internal sealed record ServingTick(double Arrived, double Completed, double Rejected, double MeanLatencySeconds, double P95Seconds, double InFlight, double BusyRatio, Func<double, double> LatencyCdf);
