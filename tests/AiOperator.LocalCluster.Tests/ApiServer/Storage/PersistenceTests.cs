using System.Diagnostics;
using System.Net;
using AiOperator.LocalCluster.ApiServer;
using AiOperator.LocalCluster.Tests.Simulation;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Storage;

// An API server on a state folder: objects and resourceVersions survive a restart, and a kill -9
// in the middle of a burst of writes loses none that were answered 2xx.
public sealed class PersistenceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("persist-").FullName;

    [Fact]
    public async Task Objects_come_back_with_their_resource_versions_and_new_writes_get_greater_ones()
    {
        V1ConfigMap created;
        V1CustomResourceDefinition crd;
        await using (var host = await ApiServerHost.StartAsync(new ApiServerOptions { StateDirectory = _dir }))
        {
            using var client = new Kubernetes(host.ClientConfiguration);
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "keep" } });
            created = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "settings" }, Data = new Dictionary<string, string> { ["a"] = "1" } }, "keep");
            await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "gone" } }, "keep");
            await client.CoreV1.DeleteNamespacedConfigMapAsync("gone", "keep");
            crd = await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesYaml.Deserialize<V1CustomResourceDefinition>(TestCrds.Yaml));
            await client.CustomObjects.CreateNamespacedCustomObjectAsync(TestCrds.Widget("w1", "keep"), TestCrds.Group, TestCrds.Version, "keep", TestCrds.Plural);
        }

        await using (var host = await ApiServerHost.StartAsync(new ApiServerOptions { StateDirectory = _dir }))
        {
            using var client = new Kubernetes(host.ClientConfiguration);
            var back = await client.CoreV1.ReadNamespacedConfigMapAsync("settings", "keep");
            Assert.Equal(created.Metadata.ResourceVersion, back.Metadata.ResourceVersion);
            Assert.Equal(created.Metadata.Uid, back.Metadata.Uid);
            Assert.Equal("1", back.Data["a"]);
            var missing = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespacedConfigMapAsync("gone", "keep"));
            Assert.Equal(HttpStatusCode.NotFound, missing.Response.StatusCode);

            // The CRD is served again, and the system namespaces were not created twice.
            Assert.Equal(crd.Metadata.ResourceVersion, (await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(crd.Metadata.Name)).Metadata.ResourceVersion);
            var widget = (System.Text.Json.JsonElement)await client.CustomObjects.GetNamespacedCustomObjectAsync(TestCrds.Group, TestCrds.Version, "keep", TestCrds.Plural, "w1");
            Assert.Equal("small", widget.GetProperty("spec").GetProperty("size").GetString());

            var list = await client.CoreV1.ListNamespacedConfigMapAsync("keep");
            var next = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "after" } }, "keep");
            Assert.True(long.Parse(next.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(list.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(long.Parse(next.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(crd.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task Kill_9_during_a_burst_of_writes_loses_no_acknowledged_write()
    {
        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        using (var server = await ChildServer.StartAsync(_dir))
        {
            using var client = new Kubernetes(new KubernetesClientConfiguration { Host = server.Url });
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "burst" } });
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var name = $"w{w}-{i}";
                    try
                    {
                        var cm = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name }, Data = new Dictionary<string, string> { ["i"] = $"{i}" } }, "burst");
                        acknowledged[name] = cm.Metadata.ResourceVersion;
                    }
                    catch (Exception ex) when (ex is HttpRequestException or HttpOperationException or TaskCanceledException or IOException)
                    {
                        return; // the server died under this request: it was never acknowledged
                    }
                }
            })).ToList();

            await TestCluster.UntilAsync(() => Task.FromResult(acknowledged.Count >= 300), "300 acknowledged writes");
            server.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        using (var server = await ChildServer.StartAsync(_dir))
        {
            using var client = new Kubernetes(new KubernetesClientConfiguration { Host = server.Url });
            var stored = (await client.CoreV1.ListNamespacedConfigMapAsync("burst")).Items.ToDictionary(c => c.Metadata.Name, c => c.Metadata.ResourceVersion);
            var lost = acknowledged.Where(a => !stored.TryGetValue(a.Key, out var rv) || rv != a.Value).Select(a => a.Key).ToList();
            Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged writes lost or changed: {string.Join(", ", lost.Take(10))}");
            var next = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "after-crash" } }, "burst");
            Assert.True(long.Parse(next.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture) > acknowledged.Values.Max(v => long.Parse(v, System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // The test process's --api-server mode: a persistent API server in a process of its own.
    private sealed class ChildServer : IDisposable
    {
        private readonly Process _process;

        private ChildServer(Process process, string url)
        {
            _process = process;
            Url = url;
        }

        public string Url { get; }

        public static async Task<ChildServer> StartAsync(string stateDirectory)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(TestCluster.TestProcessDll);
            info.ArgumentList.Add("--api-server");
            info.ArgumentList.Add(stateDirectory);
            var process = Process.Start(info)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("api-server url=", StringComparison.Ordinal))
                {
                    return new ChildServer(process, line["api-server url=".Length..].TrimEnd('/'));
                }
            }

            var error = await process.StandardError.ReadToEndAsync(timeout.Token);
            process.Dispose();
            throw new InvalidOperationException($"the API server process exited without serving: {error}");
        }

        public void Kill()
        {
            _process.Kill(); // SIGKILL: no chance to flush anything
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }

            _process.Dispose();
        }
    }
}
