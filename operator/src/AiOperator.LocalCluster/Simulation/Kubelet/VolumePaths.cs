using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

// Process pods have no mount namespace: a container path under a volumeMount's mountPath is
// rewritten to the host folder that backs the volume, in env values and arguments.
internal static class VolumePaths
{
    public static IReadOnlyList<(string MountPath, string HostPath)> Mounts(V1Container container, IReadOnlyDictionary<string, string> volumeHostPaths)
    {
        var result = new List<(string, string)>();
        foreach (var mount in container.VolumeMounts ?? [])
        {
            if (!volumeHostPaths.TryGetValue(mount.Name, out var host))
            {
                continue;
            }

            var hostPath = string.IsNullOrEmpty(mount.SubPath) ? host : Path.Combine(host, mount.SubPath);
            result.Add((mount.MountPath.TrimEnd('/'), hostPath));
        }

        // Longest mount first, so /data/models wins over /data.
        return [.. result.OrderByDescending(m => m.Item1.Length)];
    }

    public static string Rewrite(string value, IReadOnlyList<(string MountPath, string HostPath)> mounts)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (var (mountPath, hostPath) in mounts)
        {
            if (mountPath.Length == 0)
            {
                continue;
            }

            var index = 0;
            while ((index = value.IndexOf(mountPath, index, StringComparison.Ordinal)) >= 0)
            {
                var startOk = index == 0 || value[index - 1] is '=' or ':' or ',' or ' ' or '"' or '\'';
                var end = index + mountPath.Length;
                var endOk = end == value.Length || value[end] is '/' or ',' or ' ' or ':' or '"' or '\'';
                if (startOk && endOk)
                {
                    value = string.Concat(value.AsSpan(0, index), hostPath, value.AsSpan(end));
                    index += hostPath.Length;
                }
                else
                {
                    index = end;
                }
            }
        }

        return value;
    }
}
