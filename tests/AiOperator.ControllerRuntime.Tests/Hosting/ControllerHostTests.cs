using System.Net;
using AiOperator.ControllerRuntime.Events;
using AiOperator.ControllerRuntime.Hosting;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.LeaderElection;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.ControllerRuntime.Tests.Support;
using k8s;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Hosting;

// The whole framework wired by ControllerHost against the local API server: a ConfigMap "owns" a
// Service; the reconciler reads only from caches and writes only what differs.
public sealed class ControllerHostTests
{
    [Fact]
    public async Task Reconciles_children_serves_probes_and_makes_no_writes_when_nothing_differs()
    {
        await using var cluster = await TestCluster.StartAsync();
        var ready = true;
        var host = new ControllerHost(cluster.Api, new ControllerHostOptions
        {
            ProbePort = 0,
            ProbeAddress = IPAddress.Loopback,
            Namespaces = [cluster.Namespace],
            LeaderElection = new LeaderElectionOptions { LeaseName = "copier", LeaseNamespace = cluster.Namespace },
        }, cluster.Metrics);
        var sources = host.Informer<V1ConfigMap>();
        var services = host.Informer<V1Service>();
        var exposer = new Exposer(sources.Cache, services.Cache, host.Writer, host.Events);
        host.AddController<V1ConfigMap>("exposer", exposer).Owns(services);
        host.AddReadinessCheck("test switch", _ => Task.FromResult(ready));
        using var stop = new CancellationTokenSource();
        var run = host.RunAsync(stop.Token);

        await cluster.User.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = cluster.Namespace } }, cluster.Namespace);
        await Eventually.TrueAsync(() => services.Cache.Get(cluster.Namespace, "web") is not null, "service created for the config map");
        Assert.True(host.IsLeader);

        // The watch can bring the Service into the cache before the create's response: before the server logs the
        // request (it does so after answering) and before the reconcile that sent it returns and is counted.
        await Eventually.TrueAsync(
            () => ServiceCreates(cluster) == 1 && cluster.Metrics.ReconcileTotal.Value("exposer", "success") >= 1,
            "the create logged and its reconcile counted");

        using var http = new HttpClient { BaseAddress = host.ProbeAddress };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);
        ready = false;
        var notReady = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.InternalServerError, notReady.StatusCode);
        Assert.Contains("test switch", await notReady.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("controller_runtime_reconcile_total{controller=\"exposer\",result=\"success\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("workqueue_adds_total{name=\"exposer\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("rest_client_requests_total{method=\"POST\",code=\"201\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("leader_election_master_status{name=\"copier\"} 1", metrics, StringComparison.Ordinal);

        // A change that does not affect the desired Service: the reconcile of that very version runs and
        // writes nothing (waiting for any later reconcile could pass on an unrelated one, before the touch's).
        var writesBefore = ServiceWrites(cluster);
        var touched = await cluster.User.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"metadata":{"annotations":{"touched":"yes"}}}""", V1Patch.PatchType.MergePatch), "web", cluster.Namespace);
        await Eventually.TrueAsync(() => exposer.OutcomeFor(touched.Metadata.ResourceVersion) is not null, "the touched version reconciled");
        Assert.Equal(WriteOutcome.Unchanged, exposer.OutcomeFor(touched.Metadata.ResourceVersion));
        Assert.Equal(writesBefore, ServiceWrites(cluster));

        // A change that does: only the differing field is patched.
        await cluster.User.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"data":{"port":"9090"}}""", V1Patch.PatchType.MergePatch), "web", cluster.Namespace);
        await Eventually.TrueAsync(() => services.Cache.Get(cluster.Namespace, "web")?.Spec.Ports[0].TargetPort?.Value == "9090", "service target port follows the config map");

        // Deleting the child enqueues its owner through the owner reference, which recreates it.
        Assert.True(await cluster.Api.DeleteAsync(AiOperator.ControllerRuntime.Client.ResourceKind.For<V1Service>(), cluster.Namespace, "web", "Background", CancellationToken.None));
        await Eventually.TrueAsync(() => ServiceCreates(cluster) == 2, "service recreated after deletion");
        await ClusterEvents.WaitForAsync(cluster.User, cluster.Namespace, e => e.Reason == "ServiceCreated" && e.InvolvedObject.Name == "web" && e.InvolvedObject.Kind == "ConfigMap",
            "ServiceCreated on the config map");

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(host.IsLeader);
    }

    private static int ServiceWrites(TestCluster cluster) => cluster.Server.Requests.Writes().Count(r => r.Resource == "services" && r.StatusCode < 300);

    private static int ServiceCreates(TestCluster cluster) => cluster.Server.Requests.Writes().Count(r => r.Resource == "services" && r.Verb == "create" && r.StatusCode == 201);

    private sealed class Exposer(IResourceCache<V1ConfigMap> sources, IResourceCache<V1Service> services, ResourceWriter writer, IEventRecorder events) : IReconciler
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, WriteOutcome> _outcomes = new();

        public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        {
            var source = sources.Get(key.Namespace, key.Name);
            if (source is null)
            {
                return ReconcileResult.Done;
            }

            var port = source.Data is { } data && data.TryGetValue("port", out var p) ? int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) : 8080;
            var desired = new V1Service
            {
                Metadata = new V1ObjectMeta
                {
                    Name = key.Name,
                    NamespaceProperty = key.Namespace,
                    Labels = new Dictionary<string, string> { ["app"] = key.Name },
                    OwnerReferences = [OwnerMapping.ControllerReference(source)],
                },
                Spec = new V1ServiceSpec
                {
                    Selector = new Dictionary<string, string> { ["app"] = key.Name },
                    Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = port }],
                },
            };
            var result = await writer.CreateOrPatchAsync(desired, services.Get(key.Namespace, key.Name), cancellationToken);
            if (result.Outcome == WriteOutcome.Created)
            {
                events.Record(source, EventRecorder.Normal, "ServiceCreated", $"created Service {key.Name}");
            }

            // A write of the child brings its owner back at the same version, and that reconcile writes
            // nothing: keep the write, so that a later no-op cannot hide it.
            _outcomes.AddOrUpdate(source.Metadata.ResourceVersion, result.Outcome, (_, before) => before != WriteOutcome.Unchanged ? before : result.Outcome);
            return ReconcileResult.Done;
        }

        /// <summary>What the reconciles of the source at <paramref name="resourceVersion"/> wrote (Unchanged: none wrote); null before one has run.</summary>
        public WriteOutcome? OutcomeFor(string resourceVersion) => _outcomes.TryGetValue(resourceVersion, out var outcome) ? outcome : null;
    }
}
