using System.Globalization;
using System.Net;
using AiOperator.LocalCluster.ApiServer.Http;
using AiOperator.LocalCluster.ApiServer.Resources;
using AiOperator.LocalCluster.ApiServer.Storage;
using AiOperator.LocalCluster.ApiServer.Storage.Durability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiOperator.LocalCluster.ApiServer;

/// <summary>A Kubernetes API server on 127.0.0.1 that kubectl and KubernetesClient use unchanged.</summary>
public sealed class ApiServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ResourceRegistry _registry;
    private readonly ApiRequestHandler _handler;
    private DurableLog? _durable;

    private ApiServerHost(WebApplication app, ResourceRegistry registry, ApiRequestHandler handler, Uri url, FaultInjector faults, RequestLog requests)
    {
        _app = app;
        _handler = handler;
        _registry = registry;
        Url = url;
        Faults = faults;
        Requests = requests;
    }

    /// <summary>http://127.0.0.1:PORT</summary>
    public Uri Url { get; }

    public FaultInjector Faults { get; }

    public RequestLog Requests { get; }

    /// <summary>Where pods/log reads come from; the simulation's kubelet sets it.</summary>
    public IPodLogSource? PodLogs { get; set; }

    /// <summary>Which pods pods/portforward can reach; the simulation's kubelet sets it.</summary>
    public IPodPortForwarder? PortForwarder { get; set; }

    /// <summary>A client configuration for this server (plain http, no auth).</summary>
    public k8s.KubernetesClientConfiguration ClientConfiguration => new() { Host = Url.ToString().TrimEnd('/') };

    internal ObjectStore Store => _registry.Store;

    internal ResourceRegistry Registry => _registry;

    public static async Task<ApiServerHost> StartAsync(ApiServerOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Port, "Port must be 0..65535");
        }

        var store = new ObjectStore(options.EventHistorySize, options.WatchBufferSize);
        DurableLog? durable = null;
        if (!string.IsNullOrEmpty(options.StateDirectory))
        {
            var (log, objects, rv) = DurableLog.Open(options.StateDirectory, options.CompactLogAtBytes);
            store.Restore(log, objects, rv);
            durable = log;
        }

        var catalog = new ResourceCatalog();
        var registry = new ResourceRegistry(store, catalog, options.TimeProvider);
        var faults = new FaultInjector(options.TimeProvider, options.FaultSeed, store.CloseAllWatchers, store.Compact);
        var requests = new RequestLog(options.RequestLogCapacity);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            // The handler enforces the body limit itself so the answer is a proper 413 Status.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.AddServerHeader = false;
        });
        var app = builder.Build();
        ApiServerHost? host = null;
        var handler = new ApiRequestHandler(registry, catalog, options, faults, requests, () => host?.PodLogs, () => host?.PortForwarder,
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AiOperator.LocalCluster.ApiServer"));
        app.Run(handler.HandleAsync);
        await app.StartAsync(ct);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        var url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        handler.ServerAddress = () => $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        host = new ApiServerHost(app, registry, handler, url, faults, requests) { _durable = durable };
        return host;
    }

    /// <summary>Writes a kubeconfig (plain http, no credentials) that kubectl and KubernetesClient accept.</summary>
    public void WriteKubeconfig(string path)
    {
        var server = Url.ToString().TrimEnd('/');
        var text = $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: aioperator-local
              cluster:
                server: {{server}}
            users:
            - name: aioperator-local
              user:
                # The local API server does not authenticate; KubernetesClient's loader still insists on some credential.
                token: local-cluster
            contexts:
            - name: aioperator-local
              context:
                cluster: aioperator-local
                user: aioperator-local
                namespace: default
            current-context: aioperator-local
            preferences: {}

            """;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, text);
    }

    public async ValueTask DisposeAsync()
    {
        Store.CloseAllWatchers();
        _handler.StopStreaming();
        Faults.Dispose();
        _registry.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _handler.Dispose();
        if (_durable is not null)
        {
            await _durable.DisposeAsync();
        }
    }
}
