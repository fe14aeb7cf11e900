using System.Diagnostics;
using System.Globalization;
using AiOperator.LocalCluster.ApiServer;
using k8s;
using k8s.Models;

namespace AiOperator.Benchmarks.LocalCluster;

// Scenario benchmark for the local cluster's API server over real HTTP: creates/s and updates/s of
// small objects through KubernetesClient, and watch fan-out to many watchers.
// Usage: dotnet run -c Release --project tests/AiOperator.Benchmarks -- apiserver [objects] [watchers] [watchedWrites]
internal static class ApiServerScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        var objects = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5000;
        var watchers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
        var watchedWrites = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000;
        const int concurrency = 16;

        // AIOP_BENCH_PERSIST=1: the store on a state folder (what `aiop local --state-dir` does), so every
        // answered write waits for its group-committed fsync.
        var stateDir = Environment.GetEnvironmentVariable("AIOP_BENCH_PERSIST") == "1" ? Directory.CreateTempSubdirectory("aiop-bench-state-").FullName : null;
        try
        {
            return await RunAsync(objects, watchers, watchedWrites, concurrency, stateDir);
        }
        finally
        {
            if (stateDir is not null)
            {
                Directory.Delete(stateDir, recursive: true);
            }
        }
    }

    private static async Task<int> RunAsync(int objects, int watchers, int watchedWrites, int concurrency, string? stateDir)
    {
        // AIOP_BENCH_RBAC=1: RBAC enforced (as on `aiop local`) and every request from a service account whose
        // grant comes from a ClusterRoleBinding, so each one is authenticated (HMAC token) and authorized.
        var rbac = Environment.GetEnvironmentVariable("AIOP_BENCH_RBAC") == "1";
        await using var host = await ApiServerHost.StartAsync(new ApiServerOptions
        {
            EventHistorySize = 50_000,
            WatchBufferSize = 10_000,
            StateDirectory = stateDir,
            Authorization = rbac ? AiOperator.LocalCluster.ApiServer.Auth.AuthorizationMode.Rbac : AiOperator.LocalCluster.ApiServer.Auth.AuthorizationMode.AlwaysAllow,
        });
        var config = rbac ? await BenchAccountAsync(host) : host.ClientConfiguration;
        using var client = new Kubernetes(config);
        Console.WriteLine($"API server scenario: {objects} objects, concurrency {concurrency}, {watchers} watchers x {watchedWrites} writes, {Environment.ProcessorCount} cores, " +
            (stateDir is null ? "in memory" : $"persisted to {stateDir}") + (rbac ? ", RBAC enforced, requests from a service account" : ", no authorization"));

        // Warm-up: JIT and connection pool.
        await ForEachAsync(200, concurrency, i => client.CoreV1.CreateNamespacedConfigMapAsync(Cm($"warm-{i}", "0"), "kube-system"));

        var created = await TimeAsync(() => ForEachAsync(objects, concurrency, i => client.CoreV1.CreateNamespacedConfigMapAsync(Cm($"cm-{i}", "0"), "default")));
        Report("creates", objects, created);

        var updated = await TimeAsync(() => ForEachAsync(objects, concurrency, i =>
            client.CoreV1.ReplaceNamespacedConfigMapAsync(Cm($"cm-{i}", "1"), $"cm-{i}", "default")));
        Report("updates (PUT)", objects, updated);

        var patched = await TimeAsync(() => ForEachAsync(objects, concurrency, i =>
            client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"v\":\"2\"}}", V1Patch.PatchType.MergePatch), $"cm-{i}", "default")));
        Report("patches (merge)", objects, patched);

        // The raw-HTTP phases send the same bearer token: the admin's, or the service account's current one.
        var token = config.AccessToken ?? (config.TokenProvider is { } provider ? (await provider.GetAuthenticationHeaderAsync(CancellationToken.None)).Parameter : null);
        await RawHttpAsync(host, objects, concurrency, token);
        await FanOutAsync(host, client, watchers, watchedWrites, concurrency, token);
        InProcess(host, objects);
        return 0;
    }

    // The store and verb logic alone (no HTTP, no client): shows what the server itself can take.
    private static void InProcess(ApiServerHost host, int objects)
    {
        var registry = host.Registry;
        var type = new AiOperator.LocalCluster.ApiServer.Resources.ResourceCatalog().Find("", "v1", "configmaps")!;
        var context = new AiOperator.LocalCluster.ApiServer.Storage.WriteContext("bench", false, false, AiOperator.LocalCluster.ApiServer.Storage.FieldValidation.Warn);
        System.Text.Json.Nodes.JsonObject Body(string name, string value) => new()
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = name, ["labels"] = new System.Text.Json.Nodes.JsonObject { ["app"] = "bench" } },
            ["data"] = new System.Text.Json.Nodes.JsonObject { ["v"] = value },
        };

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < objects; i++)
        {
            registry.Create(type, "kube-public", Body($"in-{i}", "0"), context);
        }

        Report("in-process creates (no HTTP)", objects, clock.Elapsed);
        clock.Restart();
        for (var i = 0; i < objects; i++)
        {
            registry.Update(type, "kube-public", $"in-{i}", Body($"in-{i}", "1"), null, context);
        }

        Report("in-process updates (no HTTP)", objects, clock.Elapsed);
    }

    // A service account allowed ConfigMaps and Namespaces everywhere through a ClusterRoleBinding.
    private static async Task<KubernetesClientConfiguration> BenchAccountAsync(ApiServerHost host)
    {
        using var admin = new Kubernetes(host.ClientConfiguration);
        await admin.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "bench" } }, "default");
        await admin.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = "bench" },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["configmaps", "namespaces"], Verbs = ["*"] }],
        });
        await admin.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "bench" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "bench" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "bench", NamespaceProperty = "default" }],
        });
        return host.ServiceAccountConfiguration("default", "bench", TimeSpan.FromHours(1));
    }

    private static void Authenticate(HttpClient http, string? token)
    {
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
    }

    private static async Task FanOutAsync(ApiServerHost host, Kubernetes client, int watchers, int writes, int concurrency, string? token)
    {
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "fanout" } });
        var list = await client.CoreV1.ListNamespacedConfigMapAsync("fanout");
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = watchers + 8 }) { BaseAddress = host.Url, Timeout = Timeout.InfiniteTimeSpan };
        Authenticate(http, token);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var received = new int[watchers];
        var streams = new List<Task>();
        for (var w = 0; w < watchers; w++)
        {
            var index = w;
            streams.Add(Task.Run(async () =>
            {
                using var response = await http.GetAsync(new Uri($"/api/v1/namespaces/fanout/configmaps?watch=true&resourceVersion={list.Metadata.ResourceVersion}", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cts.Token);
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
                while (Volatile.Read(ref received[index]) < writes && await reader.ReadLineAsync(cts.Token) is { } line)
                {
                    if (line.StartsWith("{\"type\":\"ADDED\"", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref received[index]);
                    }
                }
            }));
        }

        var clock = Stopwatch.StartNew();
        while (host.Requests.Snapshot().Count(r => r.Verb == "watch" && r.Namespace == "fanout") < watchers)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(1))
            {
                throw new TimeoutException("watchers did not connect");
            }

            await Task.Delay(10);
        }

        var elapsed = await TimeAsync(async () =>
        {
            await ForEachAsync(writes, concurrency, i => client.CoreV1.CreateNamespacedConfigMapAsync(Cm($"f-{i}", "0"), "fanout"));
            await Task.WhenAll(streams);
        });
        var delivered = received.Sum();
        Console.WriteLine($"watch fan-out: {watchers} watchers x {writes} events = {delivered} deliveries in {elapsed.TotalSeconds:F2}s -> {delivered / elapsed.TotalSeconds:F0} events/s delivered, {writes / elapsed.TotalSeconds:F0} writes/s while fanning out");
    }

    // The same writes with pre-rendered JSON bodies over plain HttpClient: the server's cost without
    // KubernetesClient's serialization competing for the same cores.
    private static async Task RawHttpAsync(ApiServerHost host, int objects, int concurrency, string? token)
    {
        using var http = new HttpClient { BaseAddress = host.Url };
        Authenticate(http, token);
        static string Body(int i, string value) =>
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"raw-" + i.ToString(CultureInfo.InvariantCulture) + "\",\"labels\":{\"app\":\"bench\"}},\"data\":{\"v\":\"" + value + "\"}}";

        async Task SendAsync(HttpMethod method, string path, string body)
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }

        var created = await TimeAsync(() => ForEachAsync(objects, concurrency, i => SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", Body(i, "0"))));
        Report("creates (raw HTTP)", objects, created);
        var updated = await TimeAsync(() => ForEachAsync(objects, concurrency, i => SendAsync(HttpMethod.Put, $"/api/v1/namespaces/default/configmaps/raw-{i}", Body(i, "1"))));
        Report("updates (raw HTTP PUT)", objects, updated);
    }

    private static V1ConfigMap Cm(string name, string value) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "bench" } },
        Data = new Dictionary<string, string> { ["v"] = value },
    };

    private static async Task ForEachAsync(int count, int concurrency, Func<int, Task> action)
    {
        var next = -1;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await action(i);
            }
        });
        await Task.WhenAll(workers);
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action();
        return clock.Elapsed;
    }

    private static void Report(string what, int count, TimeSpan elapsed) =>
        Console.WriteLine($"{what}: {count} in {elapsed.TotalSeconds:F2}s -> {count / elapsed.TotalSeconds:F0}/s");
}
