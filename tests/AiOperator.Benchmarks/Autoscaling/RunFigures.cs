namespace AiOperator.Benchmarks.Autoscaling;

/// <summary>
/// The figures of one run, counted from the trace's event (the step, the start of the ramp, the spike).
/// Enough capacity: ready pods serve at least the offered load and no backlog is left.
/// </summary>
internal sealed record RunFigures(
    double? FirstScaleUpSeconds,
    double? EnoughCapacitySeconds,
    double ShortSeconds,
    double PeakP95Ms,
    double ReplicaSeconds,
    int DirectionChanges,
    double Rejected,
    int MaxReplicas)
{
    public static RunFigures Of(SimulationRun run, ServiceModel service)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(service);
        var eventAt = run.Trace.EventAt;
        var firstUp = run.Decisions.Where(d => d.At >= eventAt && d.To > d.From).Select(d => (double?)(d.At - eventAt)).FirstOrDefault();

        double? enough = null;
        var wasShort = false;
        double shortSeconds = 0, replicaSeconds = 0, peak = 0;
        var step = run.Seconds.Length > 1 ? run.Seconds[1] - run.Seconds[0] : 0;
        for (var i = 0; i < run.Seconds.Length; i++)
        {
            replicaSeconds += run.Asked[i] * step;
            peak = Math.Max(peak, run.P95Ms[i]);
            var isShort = run.Ready[i] * service.PodCapacity < run.Offered[i] || run.Backlog[i] > 0;
            if (isShort)
            {
                shortSeconds += step;
            }

            if (run.Seconds[i] < eventAt)
            {
                continue;
            }

            if (isShort)
            {
                wasShort = true;
            }
            else if (wasShort && enough is null)
            {
                enough = run.Seconds[i] - eventAt;
            }
        }

        var turns = 0;
        var direction = 0;
        foreach (var (_, from, to) in run.Decisions)
        {
            var d = Math.Sign(to - from);
            if (direction != 0 && d != direction)
            {
                turns++;
            }

            direction = d;
        }

        return new RunFigures(firstUp, wasShort ? enough : 0, shortSeconds, peak, replicaSeconds, turns, run.RejectedTotal[^1], run.Asked.Max());
    }
}
