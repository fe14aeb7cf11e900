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
    private readonly Auth.ServiceAccountTokens _tokens;
    private readonly TimeProvider _time;
    private readonly ApiRequestHandler _handler;
    private DurableLog? _durable;

    private ApiServerHost(WebApplication app, ResourceRegistry registry, ApiRequestHandler handler, Uri url, FaultInjector faults, RequestLog requests, string adminToken, Auth.ServiceAccountTokens tokens, TimeProvider time)
    {
        AdminToken = adminToken;
        _tokens = tokens;
        _time = time;
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

    /// <summary>https://127.0.0.1:PORT when the server authenticates (RBAC): the address the kubeconfig names.</summary>
    public Uri? SecureUrl { get; private init; }

    private System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; init; }

    /// <summary>The admin user's bearer token (system:masters), as the kubeconfig carries it.</summary>
    public string AdminToken { get; }

    /// <summary>A client configuration for this server as the admin user (plain http, bearer token).</summary>
    public k8s.KubernetesClientConfiguration ClientConfiguration => new() { Host = Url.ToString().TrimEnd('/'), AccessToken = AdminToken };

    /// <summary>
    /// A client configuration that authenticates as a service account with tokens as TokenRequest issues
    /// them, each of <paramref name="lifetime"/>, renewed at 80 % of it as the kubelet rotates a pod's token.
    /// </summary>
    public k8s.KubernetesClientConfiguration ServiceAccountConfiguration(string ns, string name, TimeSpan lifetime)
    {
        string CurrentUid() => Json.JsonTree.Uid(Registry.Get(Registry.Catalog.FindByStoreKey("/serviceaccounts")!, ns, name).Object);
        _ = CurrentUid(); // an account that does not exist fails here, not at the first request
        return new k8s.KubernetesClientConfiguration
        {
            Host = Url.ToString().TrimEnd('/'),
            TokenProvider = new Auth.RotatingServiceAccountToken(_tokens, CurrentUid, ns, name, lifetime, _time),
        };
    }

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
        var certificate = options.Authorization == Auth.AuthorizationMode.Rbac ? Auth.ServingCertificate.Create(options.TimeProvider) : null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            if (certificate is not null)
            {
                // kubectl sends credentials only over TLS; the plain port stays for in-process clients (tokens still apply).
                kestrel.Listen(IPAddress.Loopback, options.SecurePort, listen => listen.UseHttps(certificate));
            }

            // The handler enforces the body limit itself so the answer is a proper 413 Status.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.AddServerHeader = false;
        });
        var app = builder.Build();
        ApiServerHost? host = null;
        var adminToken = options.AdminToken ?? Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        var tokens = new Auth.ServiceAccountTokens(options.TimeProvider);
        var handler = new ApiRequestHandler(registry, catalog, options, faults, requests, () => host?.PodLogs, () => host?.PortForwarder,
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AiOperator.LocalCluster.ApiServer"), tokens, adminToken);
        app.Run(handler.HandleAsync);
        await app.StartAsync(ct);

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        var port = addresses.First(a => a.Scheme == Uri.UriSchemeHttp).Port;
        var securePort = addresses.FirstOrDefault(a => a.Scheme == Uri.UriSchemeHttps)?.Port;
        var url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        handler.ServerAddress = () => $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        host = new ApiServerHost(app, registry, handler, url, faults, requests, adminToken, tokens, options.TimeProvider)
        {
            SecureUrl = securePort is { } secure ? new Uri($"https://127.0.0.1:{secure.ToString(CultureInfo.InvariantCulture)}") : null,
            Certificate = certificate,
            _durable = durable,
        };
        return host;
    }

    /// <summary>Writes a kubeconfig (plain http) for the admin user that kubectl and KubernetesClient accept.</summary>
    public void WriteKubeconfig(string path)
    {
        var server = (SecureUrl ?? Url).ToString().TrimEnd('/');
        var authority = Certificate is null ? "" : $"\n    certificate-authority-data: {Auth.ServingCertificate.AuthorityData(Certificate)}";
        var text = $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: aioperator-local
              cluster:
                server: {{server}}{{authority}}
            users:
            - name: aioperator-local-admin
              user:
                # kubernetes-admin in group system:masters (cluster-admin), like kubeadm's admin.conf user.
                token: {{AdminToken}}
            contexts:
            - name: aioperator-local
              context:
                cluster: aioperator-local
                user: aioperator-local-admin
                namespace: default
            current-context: aioperator-local
            preferences: {}

            """;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        // It carries the admin's token: readable by its owner only, as kubectl writes kubeconfigs.
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Store.CloseAllWatchers();
        _handler.StopStreaming();
        Faults.Dispose();
        _registry.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificate?.Dispose();
        _handler.Dispose();
        if (_durable is not null)
        {
            await _durable.DisposeAsync();
        }
    }
}
