using AiOperator.Operator.Monitoring;
using Microsoft.Extensions.Time.Testing;

namespace AiOperator.Operator.Tests.Monitoring;

public sealed class MetricsStoreTests
{
    private static readonly TimeSpan Scrape = TimeSpan.FromSeconds(2);

    [Fact]
    public void Until_a_window_is_read_the_whole_retention_is_kept()
    {
        var (time, store) = NewStore();
        var pod = new SyntheticPod();
        Run(time, store, pod, TimeSpan.FromMinutes(5), readWindow: null);

        Assert.Equal(91, store.SampleCount.Kept);      // 3 min of 2 s scrapes, both ends
        Assert.Equal(TimeSpan.FromMinutes(3), store.Keep);
    }

    [Fact]
    public void Samples_are_kept_only_as_long_as_the_longest_window_read()
    {
        var (time, store) = NewStore();
        var pod = new SyntheticPod();
        Run(time, store, pod, TimeSpan.FromMinutes(5), readWindow: TimeSpan.FromSeconds(60));

        Assert.Equal(TimeSpan.FromSeconds(60), store.Keep);
        Assert.Equal(31, store.SampleCount.Kept);
        Assert.InRange(store.SampleCount.Capacity, 31, 40);
        Assert.Equal(10, store.Snapshot("ns", "md", "r1", TimeSpan.FromSeconds(60))!.RequestsPerSecond, 6);
    }

    [Fact]
    public void A_longer_window_read_before_its_pods_are_scraped_sees_all_of_them()
    {
        // A canary's analysis reads its window from the step's start, before its pods serve.
        var (time, store) = NewStore();
        store.Snapshot("ns", "md", "canary", TimeSpan.FromSeconds(120));
        var pod = new SyntheticPod();
        Run(time, store, pod, TimeSpan.FromSeconds(150), readWindow: TimeSpan.FromSeconds(60));

        Assert.Equal(TimeSpan.FromSeconds(120), store.Keep);
        Assert.Equal(61, store.SampleCount.Kept);
        Assert.Equal(10, store.Snapshot("ns", "md", "r1", TimeSpan.FromSeconds(120))!.RequestsPerSecond, 6);
    }

    [Fact]
    public void A_window_longer_than_the_retention_keeps_the_retention()
    {
        var (time, store) = NewStore();
        var pod = new SyntheticPod();
        Run(time, store, pod, TimeSpan.FromMinutes(5), readWindow: TimeSpan.FromMinutes(30));

        Assert.Equal(TimeSpan.FromMinutes(3), store.Keep);
        Assert.Equal(91, store.SampleCount.Kept);
    }

    private static void Run(FakeTimeProvider time, MetricsStore store, SyntheticPod pod, TimeSpan length, TimeSpan? readWindow)
    {
        for (var elapsed = TimeSpan.Zero; elapsed <= length; elapsed += Scrape)
        {
            pod.Advance(Scrape, rps: 10, latencySeconds: 0.02);
            time.Advance(Scrape);
            store.Record("ns", "p", "md", "r1", pod.Sample(time.GetUtcNow()));
            if (readWindow is { } window)
            {
                store.Snapshot("ns", "md", "r1", window);
            }
        }
    }

    private static (FakeTimeProvider Time, MetricsStore Store) NewStore()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        return (time, new MetricsStore(time, TimeSpan.FromMinutes(3)));
    }
}
