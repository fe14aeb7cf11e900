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

    // One pass over the value: text already replaced by a host path is never matched again (a host
    // folder under /tmp must not be rewritten by a volume mounted at /tmp).
    public static string Rewrite(string value, IReadOnlyList<(string MountPath, string HostPath)> mounts)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(mounts);
        var result = new System.Text.StringBuilder(value.Length);
        var index = 0;
        while (index < value.Length)
        {
            var startOk = index == 0 || value[index - 1] is '=' or ':' or ',' or ' ' or '"' or '\'';
            var replaced = false;
            if (startOk)
            {
                foreach (var (mountPath, hostPath) in mounts)
                {
                    var end = index + mountPath.Length;
                    if (mountPath.Length == 0 || end > value.Length || string.CompareOrdinal(value, index, mountPath, 0, mountPath.Length) != 0)
                    {
                        continue;
                    }

                    if (end == value.Length || value[end] is '/' or ',' or ' ' or ':' or '"' or '\'')
                    {
                        result.Append(hostPath);
                        index = end;
                        replaced = true;
                        break;
                    }
                }
            }

            if (!replaced)
            {
                result.Append(value[index]);
                index++;
            }
        }

        return result.ToString();
    }
}
