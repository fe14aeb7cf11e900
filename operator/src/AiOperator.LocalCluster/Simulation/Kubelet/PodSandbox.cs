using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

// A pod's share of the host: its loopback IP, its folder under the state directory and the host
// folders backing its volumes (emptyDir per pod, a PVC per claim so pods share it, configMap and
// secret volumes as files), plus the ConfigMaps and Secrets its containers reference.
internal sealed class PodSandbox
{
    public required V1Pod Pod { get; init; }

    public required string Directory { get; init; }

    public required string PodIp { get; init; }

    public required string HostIp { get; init; }

    public required string PvcRoot { get; init; }

    public required IReadOnlyDictionary<string, string> VolumeHostPaths { get; init; }

    public required IReadOnlyDictionary<string, IDictionary<string, string>> ConfigMaps { get; init; }

    public required IReadOnlyDictionary<string, IDictionary<string, string>> Secrets { get; init; }

    public string ContainerDirectory(string container) => Path.Combine(Directory, "containers", container);

    public string LogPath(string container, int attempt) => Path.Combine(Directory, "logs", container, $"{attempt}.log");

    public static string DirectoryFor(string stateDirectory, V1Pod pod) =>
        Path.Combine(stateDirectory, "pods", pod.Metadata.NamespaceProperty, $"{pod.Metadata.Name}_{pod.Metadata.Uid}");

    public static async Task<PodSandbox> PrepareAsync(IKubernetes client, V1Pod pod, string stateDirectory, IPAddress podIp, string hostIp, CancellationToken ct)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var dir = DirectoryFor(stateDirectory, pod);
        System.IO.Directory.CreateDirectory(dir);
        var pvcRoot = Path.Combine(stateDirectory, "pvcs", ns);
        var configMaps = new Dictionary<string, IDictionary<string, string>>(StringComparer.Ordinal);
        var secrets = new Dictionary<string, IDictionary<string, string>>(StringComparer.Ordinal);

        var containers = (pod.Spec.Containers ?? []).Concat(pod.Spec.InitContainers ?? []).ToList();
        var cmNames = containers.SelectMany(c => (c.EnvFrom ?? []).Select(e => e.ConfigMapRef?.Name).Concat((c.Env ?? []).Select(e => e.ValueFrom?.ConfigMapKeyRef?.Name)))
            .Concat((pod.Spec.Volumes ?? []).Select(v => v.ConfigMap?.Name)).OfType<string>().Distinct(StringComparer.Ordinal);
        var secretNames = containers.SelectMany(c => (c.EnvFrom ?? []).Select(e => e.SecretRef?.Name).Concat((c.Env ?? []).Select(e => e.ValueFrom?.SecretKeyRef?.Name)))
            .Concat((pod.Spec.Volumes ?? []).Select(v => v.Secret?.SecretName)).OfType<string>().Distinct(StringComparer.Ordinal);
        foreach (var name in cmNames)
        {
            if (await ReadOrNullAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync(name, ns, cancellationToken: ct)) is { } cm)
            {
                var data = new Dictionary<string, string>(cm.Data ?? new Dictionary<string, string>(), StringComparer.Ordinal);
                foreach (var (key, bytes) in cm.BinaryData ?? new Dictionary<string, byte[]>())
                {
                    data[key] = Encoding.UTF8.GetString(bytes);
                }

                configMaps[name] = data;
            }
        }

        foreach (var name in secretNames)
        {
            if (await ReadOrNullAsync(() => client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: ct)) is { } secret)
            {
                var data = new Dictionary<string, string>(secret.StringData ?? new Dictionary<string, string>(), StringComparer.Ordinal);
                foreach (var (key, bytes) in secret.Data ?? new Dictionary<string, byte[]>())
                {
                    data[key] = Encoding.UTF8.GetString(bytes);
                }

                secrets[name] = data;
            }
        }

        var volumes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var volume in pod.Spec.Volumes ?? [])
        {
            string host;
            if (volume.PersistentVolumeClaim is { } claim)
            {
                host = Path.Combine(pvcRoot, claim.ClaimName);
            }
            else if (volume.HostPath is { } hostPath)
            {
                host = hostPath.Path;
            }
            else
            {
                host = Path.Combine(dir, "volumes", volume.Name);
            }

            System.IO.Directory.CreateDirectory(host);
            if (volume.ConfigMap is { } cmVolume)
            {
                WriteFiles(host, Source(configMaps, "configmap", cmVolume.Name, cmVolume.Optional == true), cmVolume.Items);
            }
            else if (volume.Secret is { } secretVolume)
            {
                WriteFiles(host, Source(secrets, "secret", secretVolume.SecretName, secretVolume.Optional == true), secretVolume.Items);
            }

            volumes[volume.Name] = host;
        }

        return new PodSandbox
        {
            Pod = pod,
            Directory = dir,
            PodIp = podIp.ToString(),
            HostIp = hostIp,
            PvcRoot = pvcRoot,
            VolumeHostPaths = volumes,
            ConfigMaps = configMaps,
            Secrets = secrets,
        };
    }

    private static IDictionary<string, string>? Source(Dictionary<string, IDictionary<string, string>> all, string kind, string name, bool optional) =>
        all.TryGetValue(name, out var data) ? data : optional ? null : throw new ContainerStartException("CreateContainerConfigError", $"{kind} \"{name}\" not found");

    private static void WriteFiles(string folder, IDictionary<string, string>? data, IList<V1KeyToPath>? items)
    {
        if (data is null)
        {
            return;
        }

        var pairs = items is { Count: > 0 }
            ? items.Where(i => data.ContainsKey(i.Key)).Select(i => (Path: i.Path, Value: data[i.Key]))
            : data.Select(d => (Path: d.Key, Value: d.Value));
        foreach (var (relative, value) in pairs)
        {
            var full = Path.GetFullPath(Path.Combine(folder, relative));
            if (!full.StartsWith(Path.GetFullPath(folder), StringComparison.Ordinal))
            {
                throw new ContainerStartException("CreateContainerConfigError", $"volume item path \"{relative}\" leaves the volume");
            }

            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, value);
        }
    }

    private static async Task<T?> ReadOrNullAsync<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await read();
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
