using AiOperator.LocalCluster.Simulation.Disruption;
using AiOperator.LocalCluster.Simulation.Informers;
using AiOperator.LocalCluster.Simulation.Kubelet;
using AiOperator.LocalCluster.Simulation.Networking;
using AiOperator.LocalCluster.Simulation.Nodes;
using AiOperator.LocalCluster.Simulation.Quota;
using AiOperator.LocalCluster.Simulation.Scheduling;
using AiOperator.LocalCluster.Simulation.Workloads;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.LocalCluster.Simulation;

// Everything of the cluster except the API server: nodes, scheduler, Deployment/ReplicaSet, Job,
// disruption, resource quota and endpoint controllers, service IPs and proxy, kubelet. Each is an ordinary API client with its
// own informers, so it exercises the API server the way the real components do.
internal sealed class SimulatedControlPlane : IAsyncDisposable, ApiServer.IPodPortForwarder
{
    private static readonly TimeSpan Resync = TimeSpan.FromSeconds(1);
    private readonly Kubernetes _client;
    private readonly Kubernetes _watchClient;
    private readonly LocalClusterOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];
    private readonly ProbeRunner _probes;
    private Kubelet.Kubelet? _kubelet;
    private ServiceProxy? _proxy;
    private ServiceAddressController? _addresses;

    public SimulatedControlPlane(KubernetesClientConfiguration config, LocalClusterOptions options, string stateDirectory, ILoggerFactory loggers)
    {
        _options = options;
        _loggers = loggers;
        _time = options.TimeProvider;
        _client = new Kubernetes(config);
        var watchConfig = new KubernetesClientConfiguration { Host = config.Host, AccessToken = config.AccessToken, HttpClientTimeout = TimeSpan.FromMinutes(10) };
        _watchClient = new Kubernetes(watchConfig);
        StateDirectory = stateDirectory;
        Logs = new PodLogStore(_time);
        _probes = new ProbeRunner(_time);
    }

    public string StateDirectory { get; }

    public PodLogStore Logs { get; }

    public ProcessRegistry Processes { get; } = new();

    public async Task StartAsync(CancellationToken ct)
    {
        var pools = SimulatedNodes.Pools(_options);
        var nodes = SimulatedNodes.Build(pools, _time.GetUtcNow());
        var registered = new List<V1Node>();
        foreach (var node in nodes)
        {
            registered.Add(await RegisterNodeAsync(node, ct));
        }

        // Restarted on a state folder with other node counts: nodes no kubelet serves any more go.
        var current = nodes.Select(n => n.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in (await _client.CoreV1.ListNodeAsync(cancellationToken: ct)).Items.Where(n => !current.Contains(n.Metadata.Name)))
        {
            await _client.CoreV1.DeleteNodeAsync(stale.Metadata.Name, cancellationToken: ct);
        }

        if (_options.NodeHeartbeat.Enabled)
        {
            var heartbeat = new NodeHeartbeat(_client, registered, _options.NodeHeartbeat, _time, Logger<NodeHeartbeat>());
            _running.Add(Task.Run(() => heartbeat.RunAsync(_stop.Token), CancellationToken.None));
        }

        const int watchSeconds = 290;
        var w = _watchClient;
        var pods = Informer<V1Pod, V1PodList>("pods", (watch, rv, c) => w.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: watch, resourceVersion: rv, timeoutSeconds: watch ? watchSeconds : null, watch: watch, cancellationToken: c));
        var nodeInformer = Informer<V1Node, V1NodeList>("nodes", (watch, rv, c) => w.CoreV1.ListNodeWithHttpMessagesAsync(allowWatchBookmarks: watch, resourceVersion: rv, timeoutSeconds: watch ? watchSeconds : null, watch: watch, cancellationToken: c));
        var replicaSets = Informer<V1ReplicaSet, V1ReplicaSetList>("replicasets", (watch, rv, c) => w.AppsV1.ListReplicaSetForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: watch, resourceVersion: rv, timeoutSeconds: watch ? watchSeconds : null, watch: watch, cancellationToken: c));
        var deployments = Informer<V1Deployment, V1DeploymentList>("deployments", (watch, rv, c) => w.AppsV1.ListDeploymentForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: watch, resourceVersion: rv, timeoutSeconds: watch ? watchSeconds : null, watch: watch, cancellationToken: c));
        var services = Informer<V1Service, V1ServiceList>("services", (watch, rv, c) => w.CoreV1.ListServiceForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: watch, resourceVersion: rv, timeoutSeconds: watch ? watchSeconds : null, watch: watch, cancellationToken: c));
        var slices = Informer<V1EndpointSlice, V1EndpointSliceList>("endpointslices", (watch, rv, c) => w.DiscoveryV1.ListEndpointSliceForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: watch, resourceVersion: rv, timeoutSeconds: watch ? watchSeconds : null, watch: watch, cancellationToken: c));
        var endpoints = Informer<V1Endpoints, V1EndpointsList>("endpoints", (watch, rv, c) => w.CoreV1.ListEndpointsForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: watch, resourceVersion: rv, timeoutSeconds: watch ? watchSeconds : null, watch: watch, cancellationToken: c));
        var jobs = Informer<V1Job, V1JobList>("jobs", (watch, rv, c) => w.BatchV1.ListJobForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: watch, resourceVersion: rv, timeoutSeconds: watch ? watchSeconds : null, watch: watch, cancellationToken: c));
        var budgets = Informer<V1PodDisruptionBudget, V1PodDisruptionBudgetList>("poddisruptionbudgets", (watch, rv, c) => w.PolicyV1.ListPodDisruptionBudgetForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: watch, resourceVersion: rv, timeoutSeconds: watch ? watchSeconds : null, watch: watch, cancellationToken: c));
        var quotas = Informer<V1ResourceQuota, V1ResourceQuotaList>("resourcequotas", (watch, rv, c) => w.CoreV1.ListResourceQuotaForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: watch, resourceVersion: rv, timeoutSeconds: watch ? watchSeconds : null, watch: watch, cancellationToken: c));
        IInformer[] all = [pods, nodeInformer, replicaSets, deployments, services, slices, endpoints, jobs, budgets, quotas];
        foreach (var informer in all)
        {
            _running.Add(Task.Run(() => informer.RunAsync(_stop.Token), CancellationToken.None));
        }

        var scheduler = new Scheduler(_client, pods, nodeInformer, Events("default-scheduler"), _time, Logger<Scheduler>());
        var rsController = new ReplicaSetController(_client, replicaSets, pods, Events("replicaset-controller"), _time, Logger<ReplicaSetController>());
        var deploymentController = new DeploymentController(_client, deployments, replicaSets, pods, Events("deployment-controller"), _time, Logger<DeploymentController>());
        var jobController = new JobController(_client, jobs, pods, Events("job-controller"), _time, Logger<JobController>());
        var disruptionController = new DisruptionController(_client, budgets, pods, replicaSets, deployments, _time, Logger<DisruptionController>());
        var quotaController = new ResourceQuotaController(_client, quotas, pods, Logger<ResourceQuotaController>());
        var endpointsController = new EndpointsController(_client, services, pods, slices, endpoints, Logger<EndpointsController>());
        var addresses = new ServiceAddressController(_client, services, LoopbackAddressPool.Services, Logger<ServiceAddressController>());
        _addresses = addresses;
        _proxy = new ServiceProxy(services, slices, Logger<ServiceProxy>());

        var hostIps = nodes.ToDictionary(n => n.Metadata.Name, _ => SimulatedNodes.HostIp, StringComparer.Ordinal);
        var dns = () => (IReadOnlyDictionary<string, string>)DnsRecords.Build(services.List(), pods.List());
        var pendingNames = () => (IReadOnlySet<string>)DnsRecords.Pending(services.List(), pods.List());
        var processRuntimes = _options.ProcessImages.ToDictionary(p => p.Key, p => (IContainerRuntime)new ProcessRuntime(p.Value, dns, _probes, Processes, _time, pendingNames), StringComparer.Ordinal);
        var simulated = new SimulatedRuntime(image => _options.SimulatedImages.TryGetValue(ImageReference.Repository(image), out var b) ? b : _options.DefaultSimulation, _time);
        var context = new KubeletContext(
            _client,
            StateDirectory,
            LoopbackAddressPool.Pods,
            Logs,
            image => processRuntimes.TryGetValue(ImageReference.Repository(image), out var runtime) ? runtime : simulated,
            _options.CrashLoopBackoffBase,
            _options.CrashLoopBackoffMax,
            Events("kubelet"),
            _time,
            Logger<Kubelet.Kubelet>(),
            pods);
        _kubelet = new Kubelet.Kubelet(pods, hostIps, context, _options.ShutdownGracePeriod);

        StartLoop("scheduler", scheduler.ReconcileAsync, pods, nodeInformer);
        StartLoop("replicaset-controller", rsController.ReconcileAsync, replicaSets, pods);
        StartLoop("deployment-controller", deploymentController.ReconcileAsync, deployments, replicaSets, pods);
        StartLoop("job-controller", jobController.ReconcileAsync, jobs, pods);
        StartLoop("disruption-controller", disruptionController.ReconcileAsync, budgets, pods, replicaSets, deployments);
        StartLoop("resourcequota-controller", quotaController.ReconcileAsync, quotas, pods);
        StartLoop("endpointslice-controller", endpointsController.ReconcileAsync, services, pods, slices, endpoints);
        StartLoop("service-ip-allocator", addresses.ReconcileAsync, services);
        // Backends are read from the slices per connection, so only Service changes need a pass.
        StartLoop("kube-proxy", _proxy.ReconcileAsync, services);
        StartLoop("kubelet", _kubelet.ReconcileAsync, pods);

        await Task.WhenAll(all.Select(i => i.Synced)).WaitAsync(TimeSpan.FromSeconds(30), _time, ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_running);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
        {
        }

        if (_kubelet is not null)
        {
            await _kubelet.DisposeAsync();
        }

        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        _addresses?.Dispose();

        _probes.Dispose();
        _client.Dispose();
        _watchClient.Dispose();
        _stop.Dispose();
    }

    private async Task<V1Node> RegisterNodeAsync(V1Node node, CancellationToken ct)
    {
        var status = node.Status;
        V1Node created;
        try
        {
            created = await _client.CoreV1.CreateNodeAsync(node, cancellationToken: ct);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            created = await _client.CoreV1.ReadNodeAsync(node.Metadata.Name, cancellationToken: ct);
        }

        // Status is ignored on create (status subresource), so it is written like a kubelet would.
        created.Status = status;
        return await _client.CoreV1.ReplaceNodeStatusAsync(created, node.Metadata.Name, cancellationToken: ct);
    }

    private Informer<T, TList> Informer<T, TList>(string resource, Func<bool, string?, CancellationToken, Task<HttpOperationResponse<TList>>> call)
        where T : class, IKubernetesObject<V1ObjectMeta>
        where TList : IItems<T>, IMetadata<V1ListMeta> =>
        new(resource, call, _time, _loggers.CreateLogger($"AiOperator.LocalCluster.Informer.{resource}"));

    private void StartLoop(string name, Func<CancellationToken, Task> reconcile, params IInformer[] informers)
    {
        var loop = new ReconcileLoop(name, reconcile, _time, Resync, ReconcileLoop.DefaultMinInterval, _loggers.CreateLogger($"AiOperator.LocalCluster.{name}"));
        _running.Add(Task.Run(() => loop.RunAsync(informers, _stop.Token)));
    }

    // Process images listen on their pod IP; simulated containers only pretend to run.
    public string? WhyUnreachable(string podNamespace, string podName, IReadOnlyList<string> images) =>
        images.Any(i => _options.ProcessImages.ContainsKey(ImageReference.Repository(i)))
            ? null
            : $"pod {podName} runs simulated containers only ({string.Join(", ", images)}): nothing listens on its ports; " +
              "port-forward reaches pods whose image runs as a local process";

    private EventRecorder Events(string component) => new(_client, component, _time, _loggers.CreateLogger("AiOperator.LocalCluster.Events"));

    private ILogger Logger<T>() => _loggers.CreateLogger(typeof(T).FullName!);
}
