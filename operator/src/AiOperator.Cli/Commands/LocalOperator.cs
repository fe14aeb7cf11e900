using AiOperator.Api.Crds;
using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Hosting;
using AiOperator.ControllerRuntime.Metrics;
using AiOperator.LocalCluster.Simulation;
using AiOperator.Operator.Hosting;
using Microsoft.Extensions.Logging;

namespace AiOperator.Cli.Commands;

/// <summary>
/// The operator running in-process against `aiop local`: CRDs installed, then the same host aiop-operator
/// runs, authenticated as its own ServiceAccount with the grants config/rbac gives it (<see cref="OperatorIdentity"/>),
/// never as the cluster admin.
/// </summary>
internal sealed class LocalOperator : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly KubeApi _api;
    private readonly ControllerHost _host;
    private readonly ILoggerFactory _loggers;
    private readonly Task _run;

    private LocalOperator(KubeApi api, ControllerHost host, ILoggerFactory loggers)
    {
        _api = api;
        _host = host;
        _loggers = loggers;
        _run = Task.Run(() => host.RunAsync(_stop.Token));
    }

    public Uri? ProbeAddress => _host.ProbeAddress;

    // A pod's projected token lives an hour and the kubelet renews it at 80 %; the local client does the same.
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);

    public static async Task<LocalOperator> StartAsync(LocalCluster.LocalCluster cluster, CancellationToken cancellationToken, ILoggerFactory? loggerFactory = null,
        IReadOnlyList<Operator.Rbac.PolicyRule>? managerRules = null)
    {
        using (var client = cluster.CreateClient())
        {
            await CrdInstaller.InstallAsync(client, cancellationToken);
            await OperatorIdentity.ApplyAsync(client, cancellationToken, managerRules);
        }

        var loggers = loggerFactory ?? LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
        var metrics = new ControllerMetrics();
        var api = new KubeApi(cluster.ApiServer.ServiceAccountConfiguration(OperatorIdentity.Namespace, OperatorIdentity.ServiceAccount, TokenLifetime), metrics);
        var host = OperatorHost.Build(
            api,
            new ControllerHostOptions { ProbePort = 0, ProbeAddress = System.Net.IPAddress.Loopback },
            $"{ProjectImages.ModelServerRepository}:local",
            maxConcurrentReconciles: 4,
            metrics,
            TimeProvider.System,
            loggers);
        return new LocalOperator(api, host, loggers);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (OperationCanceledException)
        {
        }

        await _host.DisposeAsync();
        _api.Dispose();
        _loggers.Dispose();
        _stop.Dispose();
    }
}
