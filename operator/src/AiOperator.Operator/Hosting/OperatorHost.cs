using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Hosting;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Metrics;
using AiOperator.Operator.ModelDeployments;
using AiOperator.Operator.Monitoring;
using AiOperator.Operator.TrainingJobs;
using Microsoft.Extensions.Logging;

namespace AiOperator.Operator.Hosting;

/// <summary>Composes the operator: each controller and loop wires itself onto one ControllerHost. Used by aiop-operator, aiop local and tests.</summary>
public static class OperatorHost
{
    public const string ModelDeploymentController = ModelDeployments.ModelDeploymentController.Name;

    public static ControllerHost Build(
        IKubeApi api,
        ControllerHostOptions hostOptions,
        string modelServerImage,
        int maxConcurrentReconciles,
        ControllerMetrics metrics,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        TimeSpan? resyncPeriod = null,
        MonitoringOptions? monitoringOptions = null,
        IRevisionMetrics? revisionMetrics = null,
        string? outputReaderImage = null)
    {
        ArgumentNullException.ThrowIfNull(hostOptions);
        var options = new OperatorOptions { ModelServerImage = modelServerImage, OutputReaderImage = outputReaderImage ?? OperatorOptions.DefaultOutputReaderImage };
        var resync = resyncPeriod ?? new InformerOptions().ResyncPeriod;
        var host = new ControllerHost(api, hostOptions, metrics, timeProvider, loggerFactory);

        var monitoring = new ModelMonitoring(monitoringOptions ?? new MonitoringOptions(), timeProvider);
        var modelDeployments = ModelDeployments.ModelDeploymentController.Add(
            host, options, hostOptions, maxConcurrentReconciles, resync, revisionMetrics ?? monitoring.RevisionMetrics, monitoring.ModelLoadFailures, timeProvider, loggerFactory);
        monitoring.Add(host, modelDeployments, resync, loggerFactory);
        TrainingJobController.Add(host, options, hostOptions, resync, maxConcurrentReconciles, timeProvider, loggerFactory);
        return host;
    }
}
