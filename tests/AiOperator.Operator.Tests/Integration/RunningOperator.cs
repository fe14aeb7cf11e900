using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Hosting;
using AiOperator.ControllerRuntime.LeaderElection;
using AiOperator.ControllerRuntime.Metrics;
using AiOperator.Operator.Hosting;
using AiOperator.Operator.Monitoring;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiOperator.Operator.Tests.Integration;

/// <summary>An operator instance running in-process against a local cluster, as aiop-operator would.</summary>
internal sealed class RunningOperator : IAsyncDisposable
{
    public const string UserAgentPrefix = "aioperator-test";
    private readonly CancellationTokenSource _stop = new();
    private readonly KubeApi _api;
    private readonly Task _run;
    private int _disposed;

    private RunningOperator(KubeApi api, ControllerHost host, string identity)
    {
        _api = api;
        Host = host;
        Identity = identity;
        _run = Task.Run(() => host.RunAsync(_stop.Token));
    }

    public ControllerHost Host { get; }

    public string Identity { get; }

    public string UserAgent => $"{UserAgentPrefix}-{Identity}";

    public Task Completion => _run;

    /// <summary>Reconciles finished so far, whatever their result.</summary>
    public double Reconciles => ReconcilesOf(OperatorHost.ModelDeploymentController);

    public double ReconcilesOf(string controller) => new[] { "success", "error", "requeue", "requeue_after" }
        .Sum(r => Host.Metrics.ReconcileTotal.Value(controller, r));

    public static RunningOperator Start(KubernetesClientConfiguration config, string identity, bool leaderElection = false, IReadOnlyList<string>? namespaces = null, TimeSpan? resync = null,
        IRevisionMetrics? revisionMetrics = null)
    {
        var metrics = new ControllerMetrics();
        var api = new KubeApi(config, metrics, options: new KubeApiOptions { UserAgent = $"{UserAgentPrefix}-{identity}" });
        var options = new ControllerHostOptions
        {
            ProbePort = 0,
            Namespaces = namespaces,
            LeaderElection = leaderElection
                ? new LeaderElectionOptions { LeaseName = "ai-operator-leader", LeaseNamespace = namespaces is { Count: > 0 } ? namespaces[0] : "default", Identity = identity, ReleaseOnCancel = false }
                : null,
        };
        var host = OperatorHost.Build(api, options, "ghcr.io/aioperator/model-server:test", 4, metrics, TimeProvider.System, NullLoggerFactory.Instance, resync, revisionMetrics: revisionMetrics);
        return new RunningOperator(api, host, identity);
    }

    /// <summary>Stops like a killed process would look to others: no lease release, watches cut.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        try
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (OperationCanceledException)
        {
        }

        await Host.DisposeAsync();
        _api.Dispose();
        _stop.Dispose();
    }
}
