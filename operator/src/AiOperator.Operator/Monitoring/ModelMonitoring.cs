using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Hosting;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.Operator.Autoscaling;
using AiOperator.Operator.ModelDeployments;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.Operator.Monitoring;

/// <summary>
/// Wires monitoring and autoscaling onto a host: the stores the reconciler reads (made first, so the
/// controller can take them), then one leader-only runnable that scrapes model pods and, after each
/// pass, re-queues ModelDeployments with a new load failure and runs the autoscaler.
/// </summary>
internal sealed class ModelMonitoring(MonitoringOptions options, TimeProvider timeProvider)
{
    public const string RunnableName = "model-monitoring";

    private readonly ScraperOptions _scraper = new()
    {
        Interval = options.ScrapeInterval,
        Timeout = options.ScrapeTimeout,
        MaxConcurrency = options.MaxConcurrentScrapes,
        Port = options.ModelServerPort,
    };

    public MetricsStore Metrics { get; } = new(timeProvider, new ScraperOptions().Retention);

    public ModelLoadFailures LoadFailures { get; } = new();

    public IRevisionMetrics RevisionMetrics => options.Enabled ? Metrics : NoRevisionMetrics.Instance;

    public IModelLoadFailures ModelLoadFailures => options.Enabled ? LoadFailures : NoModelLoadFailures.Instance;

    public void Add(ControllerHost host, ModelDeploymentWiring modelDeployments, TimeSpan resync, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(modelDeployments);
        if (!options.Enabled)
        {
            return;
        }

        _scraper.Validate();

        // Nodes are cluster-scoped; only what GPU capacity needs is kept.
        var nodes = host.Informer<V1Node>(new InformerOptions { Namespaces = null, ResyncPeriod = resync, Transform = NodeCapacityOnly });
        var autoscaler = new ModelDeploymentAutoscaler(
            modelDeployments.ModelDeployments.Cache, modelDeployments.Pods.Cache, nodes.Cache, Metrics,
            new StatusWriter(host.Api), host.Events, host.Metrics, new AutoscalerSettings(), timeProvider, loggerFactory.CreateLogger<ModelDeploymentAutoscaler>());
        var queue = modelDeployments.Controller.Queue;
        host.AddRunnable(RunnableName, async leading =>
        {
            using var handler = ModelPodScraper.DirectHandler(_scraper);
            using var http = new HttpMessageInvoker(handler);
            var scraper = new ModelPodScraper(modelDeployments.Pods.Cache, Metrics, LoadFailures, http, _scraper, host.Metrics, timeProvider, loggerFactory.CreateLogger<ModelPodScraper>());
            await scraper.RunAsync(async (round, ct) =>
            {
                foreach (var key in round.LoadFailuresChanged)
                {
                    queue.Add(key);
                }

                await autoscaler.EvaluateAsync(ct);
            }, leading);
        });
    }

    private static readonly Func<object, object> NodeCapacityOnly = node =>
    {
        var n = (V1Node)node;
        n.Metadata.Annotations = null;
        n.Metadata.ManagedFields = null;
        n.Status = new V1NodeStatus { Allocatable = n.Status?.Allocatable, Conditions = n.Status?.Conditions?.Where(c => c.Type == "Ready").ToList() };
        n.Spec = new V1NodeSpec { Unschedulable = n.Spec?.Unschedulable };
        return n;
    };
}
