using AiOperator.Operator.Monitoring;
using Microsoft.Extensions.Time.Testing;

namespace AiOperator.Operator.Tests.Monitoring;

public sealed class RevisionWindowTests
{
    private static readonly TimeSpan Scrape = TimeSpan.FromSeconds(2);

    [Fact]
    public void Steady_load_over_two_pods_gives_rate_errors_latency_and_concurrency()
    {
        var (time, store) = NewStore();
        var a = new SyntheticPod { Busy = 0.3 };
        var b = new SyntheticPod { Busy = 0.5 };
        for (var i = 0; i < 40; i++)
        {
            a.Advance(Scrape, rps: 10, latencySeconds: 0.02, errorShare: 0.1);
            b.Advance(Scrape, rps: 30, latencySeconds: 0.02, errorShare: 0.1);
            time.Advance(Scrape);
            store.Record("ns", "a", "md", "r1", a.Sample(time.GetUtcNow()));
            store.Record("ns", "b", "md", "r1", b.Sample(time.GetUtcNow()));
        }

        var m = store.Snapshot("ns", "md", "r1", TimeSpan.FromSeconds(60))!;

        Assert.Equal(40, m.RequestsPerSecond, 6);
        Assert.Equal(2400, m.Requests, 6);
        Assert.Equal(0.1, m.ErrorRate, 6);
        Assert.Equal(0.4, m.Concurrency, 6);          // per pod: (0.2 + 0.6) / 2
        Assert.Equal(0.8, m.TotalConcurrency, 6);
        Assert.Equal(0.4, m.GpuUtilization, 6);       // busy ratio: no NVML gauge
        Assert.Equal(0.8, m.TotalGpuUtilization, 6);
        Assert.InRange(m.LatencyP50Ms, 10, 25);       // all in the (10, 25] ms bucket
        Assert.InRange(m.LatencyP95Ms, 10, 25);
        Assert.Equal(2, m.PodsScraped);
        Assert.Equal(0, m.PodsFailed);
        Assert.Equal(time.GetUtcNow(), m.SampledAt);
    }

    [Fact]
    public void A_restart_inside_the_window_does_not_dent_the_rate()
    {
        var (time, store) = NewStore();
        var pod = new SyntheticPod();
        for (var i = 0; i < 40; i++)
        {
            if (i == 30)
            {
                pod.Restart();
            }

            pod.Advance(Scrape, rps: 20, latencySeconds: 0.01);

            time.Advance(Scrape);
            store.Record("ns", "p", "md", "r1", pod.Sample(time.GetUtcNow()));
        }

        var m = store.Snapshot("ns", "md", "r1", TimeSpan.FromSeconds(60))!;

        // The counters fell from 1240 to 40: counted as a reset, not as -1200 requests.
        Assert.Equal(20, m.RequestsPerSecond, 6);
        Assert.Equal(0.2, m.TotalConcurrency, 6);
    }

    [Fact]
    public void A_gap_in_one_pods_scrapes_is_not_read_as_idleness_and_a_new_pod_counts_from_zero()
    {
        var (time, store) = NewStore();
        var old = new SyntheticPod();
        var fresh = new SyntheticPod();
        for (var i = 0; i < 60; i++)
        {
            old.Advance(Scrape, rps: 10, latencySeconds: 0.1);
            if (i >= 50)
            {
                fresh.Advance(Scrape, rps: 10, latencySeconds: 0.1);
            }

            time.Advance(Scrape);

            // The old pod is unreachable for 40 s inside the window; the new one starts 20 s before its end.
            if (i is < 25 or >= 45)
            {
                store.Record("ns", "old", "md", "r1", old.Sample(time.GetUtcNow()));
            }

            if (i >= 50)
            {
                store.Record("ns", "fresh", "md", "r1", fresh.Sample(time.GetUtcNow()));
            }
        }

        var m = store.Snapshot("ns", "md", "r1", TimeSpan.FromSeconds(60))!;

        // old: 10 rps throughout; fresh: 10 rps for its last 20 s of the 60 s window = 3.33 rps on average.
        Assert.Equal(10 + (10 * 20 / 60.0), m.RequestsPerSecond, 6);
        Assert.Equal(1 + (1 * 20 / 60.0), m.TotalConcurrency, 6);
    }

    [Fact]
    public void No_traffic_gives_NaN_error_rate_and_latency_not_zero()
    {
        var (time, store) = NewStore();
        var pod = new SyntheticPod();
        for (var i = 0; i < 5; i++)
        {
            time.Advance(Scrape);
            store.Record("ns", "p", "md", "r1", pod.Sample(time.GetUtcNow()));
        }

        var m = store.Snapshot("ns", "md", "r1", TimeSpan.FromSeconds(60))!;

        Assert.Equal(0, m.RequestsPerSecond);
        Assert.True(double.IsNaN(m.ErrorRate));
        Assert.True(double.IsNaN(m.LatencyP95Ms));
    }

    [Fact]
    public void A_single_sample_has_no_rate_and_an_unknown_revision_has_no_window()
    {
        var (time, store) = NewStore();
        var pod = new SyntheticPod();
        pod.Advance(Scrape, rps: 10, latencySeconds: 0.1);
        time.Advance(Scrape);
        store.Record("ns", "p", "md", "r1", pod.Sample(time.GetUtcNow()));

        var m = store.Snapshot("ns", "md", "r1", TimeSpan.FromSeconds(60))!;

        Assert.True(double.IsNaN(m.RequestsPerSecond));
        Assert.Equal(1, m.TotalConcurrency, 6);       // the in-flight gauge stands in for Little's law
        Assert.Null(store.Snapshot("ns", "md", "r2", TimeSpan.FromSeconds(60)));
        Assert.Null(store.Snapshot("other", "md", "r1", TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void Failed_scrapes_are_counted_and_samples_age_out_of_the_window_and_the_retention()
    {
        var (time, store) = NewStore();
        var pod = new SyntheticPod();
        time.Advance(Scrape);
        store.Record("ns", "p", "md", "r1", pod.Sample(time.GetUtcNow()));
        time.Advance(Scrape);
        store.RecordFailure("ns", "p", "md", "r1", time.GetUtcNow());

        Assert.Equal(1, store.Snapshot("ns", "md", "r1", TimeSpan.FromSeconds(10))!.PodsFailed);
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Null(store.Snapshot("ns", "md", "r1", TimeSpan.FromSeconds(10)));

        store.Retain(new HashSet<(string, string)>());
        Assert.Equal(0, store.PodCount);
    }

    [Fact]
    public void Requests_per_second_is_demand_counted_on_arrival_and_the_error_rate_stays_on_answered_requests()
    {
        var (time, store) = NewStore();
        var saturated = new SyntheticPod { ReportsArrivals = true };
        var older = new SyntheticPod();   // a server without the arrivals counter: its answered requests stand for demand
        for (var i = 0; i < 40; i++)
        {
            if (i == 20)
            {
                saturated.Restart();   // counters from 0 again: the increase after a reset is all of the new value, as rate() reads it
            }

            // 50 arrive each second, 20 are answered (10 % of them errors); the rest queue or are refused.
            saturated.Advance(Scrape, rps: 20, latencySeconds: 0.02, errorShare: 0.1, arrivalsPerSecond: 50);
            older.Advance(Scrape, rps: 10, latencySeconds: 0.02, errorShare: 0.1);

            time.Advance(Scrape);
            store.Record("ns", "a", "md", "r1", saturated.Sample(time.GetUtcNow()));
            store.Record("ns", "b", "md", "r1", older.Sample(time.GetUtcNow()));
        }

        var m = store.Snapshot("ns", "md", "r1", TimeSpan.FromSeconds(60))!;

        Assert.Equal(60, m.RequestsPerSecond, 6);
        Assert.Equal(1800, m.Requests, 6);            // answered: 30 a second over 60 s
        Assert.Equal(0.1, m.ErrorRate, 6);
    }

    [Fact]
    public void Quantiles_interpolate_inside_the_bucket_and_stop_at_the_highest_finite_bound()
    {
        double[] bounds = [0.1, 0.2, double.PositiveInfinity];

        Assert.Equal(0.15, RevisionWindow.Quantile(0.75, bounds, [50, 100, 100]), 9);
        Assert.Equal(0.2, RevisionWindow.Quantile(0.99, bounds, [10, 20, 100]), 9);
        Assert.True(double.IsNaN(RevisionWindow.Quantile(0.5, bounds, [0, 0, 0])));
    }

    private static (FakeTimeProvider Time, MetricsStore Store) NewStore()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        return (time, new MetricsStore(time, TimeSpan.FromMinutes(3)));
    }
}
