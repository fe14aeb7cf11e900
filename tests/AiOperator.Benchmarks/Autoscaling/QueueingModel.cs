namespace AiOperator.Benchmarks.Autoscaling;

/// <summary>
/// The ready pods as one M/M/c queue (c = pods × slots, service rate 1 ÷ base latency per slot, the
/// load balancer spreading requests evenly): below capacity the wait follows Erlang C,
/// P(W &gt; t) = C(c, a)·e^-(cμ-λ)t, and a request takes its base latency plus that wait (a model's run
/// time hardly varies, so the service time is taken as fixed). At or over capacity the excess queues
/// (fluid backlog) and a request waits for the backlog ahead of it to drain; what does not fit in the
/// pods' queues (<see cref="ServiceModel.MaxQueue"/> each) is refused at once, as the model server does.
/// </summary>
internal sealed class QueueingModel(ServiceModel service)
{
    public double Backlog { get; private set; }

    public double Rejected { get; private set; }

    public ServingTick Advance(double offered, int readyPods, double seconds)
    {
        var l = service.BaseLatencySeconds;
        var capacity = readyPods * service.PodCapacity;
        if (readyPods == 0 || Backlog > 0 || offered >= capacity)
        {
            var before = Backlog;
            var unbounded = Math.Max(0, Backlog + ((offered - capacity) * seconds));
            Backlog = Math.Min(unbounded, (double)readyPods * service.MaxQueue);
            var rejected = unbounded - Backlog;
            Rejected += rejected;
            var completed = (offered * seconds) + before - unbounded;
            if (readyPods == 0)
            {
                return new ServingTick(offered * seconds, 0, rejected, double.NaN, double.PositiveInfinity, 0, 0, _ => 0);
            }

            var wait = (before + Backlog) / 2 / capacity;
            var worst = Math.Max(before, Backlog) / capacity;
            var servers = readyPods * service.Slots;
            var busy = Math.Min(1.0, (offered + (before / seconds)) / capacity);
            return new ServingTick(offered * seconds, completed, rejected, l + wait, l + worst, (busy * servers) + Backlog, busy, x => x >= l + wait ? 1 : 0);
        }

        var c = readyPods * service.Slots;
        var a = offered * l;
        var erlangC = ErlangC(c, a);
        var drain = (c / l) - offered;
        // Near saturation the unbounded formula runs past what a full queue can hold: no wait exceeds it.
        var p95Wait = Math.Min(erlangC > 0.05 ? Math.Log(erlangC / 0.05) / drain : 0, service.MaxQueue / service.PodCapacity);
        var meanWait = erlangC / drain;
        return new ServingTick(offered * seconds, offered * seconds, 0, l + meanWait, l + p95Wait, a + (offered * meanWait), a / c,
            x => x < l ? 0 : 1 - (erlangC * Math.Exp(-drain * (x - l))));
    }

    /// <summary>Probability that a request waits, M/M/c with offered load a (Erlangs), by the Erlang B recursion.</summary>
    public static double ErlangC(int servers, double a)
    {
        if (a <= 0)
        {
            return 0;
        }

        if (a >= servers)
        {
            return 1;
        }

        var b = 1.0;
        for (var k = 1; k <= servers; k++)
        {
            b = a * b / (k + (a * b));
        }

        var rho = a / servers;
        return b / (1 - (rho * (1 - b)));
    }
}
