using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

// The kubelet's prober worker: initialDelaySeconds, then one attempt every periodSeconds, flipping
// the result only after successThreshold successes or failureThreshold failures in a row.
internal static class ProbeLoop
{
    public static async Task RunAsync(V1Probe probe, Func<CancellationToken, Task<string?>> attempt, Action<bool, string?> report, bool initial, TimeProvider time, CancellationToken ct)
    {
        var result = initial;
        var successes = 0;
        var failures = 0;
        await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, probe.InitialDelaySeconds ?? 0)), time, ct);
        while (!ct.IsCancellationRequested)
        {
            // A ticker, like the kubelet's prober: the period runs from the start of each attempt.
            var tick = Task.Delay(TimeSpan.FromSeconds(Math.Max(1, probe.PeriodSeconds ?? 10)), time, ct);
            var failure = await attempt(ct);
            if (failure is null)
            {
                failures = 0;
                successes++;
                if (!result && successes >= Math.Max(1, probe.SuccessThreshold ?? 1))
                {
                    result = true;
                    report(true, null);
                }
            }
            else
            {
                successes = 0;
                failures++;
                if ((result || failures == Math.Max(1, probe.FailureThreshold ?? 3)) && failures >= Math.Max(1, probe.FailureThreshold ?? 3))
                {
                    result = false;
                    report(false, failure);
                }
            }

            await tick;
        }
    }
}
