using AiOperator.ControllerRuntime.Hosting;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Tests.Fakes;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace AiOperator.ControllerRuntime.Tests.Hosting;

public sealed class ControllerHostHealthTests
{
    [Fact]
    public void Liveness_fails_when_an_informer_loop_makes_no_progress_for_twice_the_idle_timeout()
    {
        var time = new FakeTimeProvider();
        var host = new ControllerHost(new RecordingKubeApi(), new ControllerHostOptions { ProbePort = null }, timeProvider: time);
        host.Informer<V1Pod>(new InformerOptions { IdleTimeout = TimeSpan.FromMinutes(1) });

        Assert.True(host.Liveness().Healthy);
        time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));

        var report = host.Liveness();
        Assert.False(report.Healthy);
        Assert.Contains("informer pods", report.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readiness_waits_for_caches_and_reports_failing_checks_by_name()
    {
        var host = new ControllerHost(new RecordingKubeApi(), new ControllerHostOptions { ProbePort = null });
        host.Informer<V1Pod>();
        host.AddReadinessCheck("always-broken", _ => throw new InvalidOperationException("x"));

        var report = await host.ReadinessAsync(CancellationToken.None);

        Assert.False(report.Healthy);
        Assert.Contains("informer pods: not synced", report.Failures);
        Assert.Contains("always-broken: not ready", report.Failures);
    }

    [Fact]
    public void The_same_kind_gets_one_shared_informer()
    {
        var host = new ControllerHost(new RecordingKubeApi(), new ControllerHostOptions { ProbePort = null });

        Assert.Same(host.Informer<V1Pod>(), host.Informer<V1Pod>());
    }
}
