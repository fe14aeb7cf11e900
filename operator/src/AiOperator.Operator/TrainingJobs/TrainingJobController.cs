using AiOperator.Api.Crds;
using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Hosting;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.Operator.Hosting;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.Operator.TrainingJobs;

/// <summary>Wires the TrainingJob controller onto a host: its informers, reconciler and watches.</summary>
internal static class TrainingJobController
{
    public const string Name = "trainingjob";

    public static Controller<TrainingJob> Add(
        ControllerHost host, OperatorOptions options, ControllerHostOptions hostOptions, TimeSpan resync, int maxConcurrentReconciles, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(options);
        var jobs = host.Informer<TrainingJob>(OperatorInformers.Primary(hostOptions, resync));
        var pods = host.Informer<V1Pod>(OperatorInformers.Pods(hostOptions, resync));
        var services = host.Informer<V1Service>(OperatorInformers.Children(hostOptions, resync));
        var reconciler = new TrainingJobReconciler(jobs.Cache, pods.Cache, services.Cache, host.Writer, host.Status, host.Events,
            options.OutputReaderImage, timeProvider, loggerFactory.CreateLogger<TrainingJobReconciler>());
        host.RequireCrds(AiOperatorCrds.TrainingJobs.Name);
        return host.AddController<TrainingJob>(Name, reconciler, new ControllerOptions { MaxConcurrentReconciles = maxConcurrentReconciles })
            .Owns(pods)
            .Owns(services);
    }
}
