using System.Globalization;
using System.Text;
using AiOperator.LocalCluster.Simulation.Networking;
using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

// The environment and argument list a process container starts with, resolved like the kubelet
// does (envFrom, env with valueFrom, $(VAR) expansion), then with cluster DNS names and volume
// mount paths rewritten for a process that shares the host's network and filesystem.
internal static class ContainerEnvironment
{
    public const string PodIpVariable = "AIOP_POD_IP";
    public const string TerminationLogVariable = "AIOP_TERMINATION_LOG";
    public const string PodDirectoryVariable = "AIOP_POD_DIR";
    public const string PvcRootVariable = "AIOP_PVC_ROOT";

    public static List<KeyValuePair<string, string>> Build(ContainerEnvironmentInputs inputs)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();
        void Set(string name, string value)
        {
            if (!env.ContainsKey(name))
            {
                order.Add(name);
            }

            env[name] = value;
        }

        foreach (var source in inputs.Container.EnvFrom ?? [])
        {
            var data = source.ConfigMapRef is { } cm
                ? Lookup(inputs.ConfigMaps, "configmap", cm.Name, cm.Optional == true)
                : source.SecretRef is { } s ? Lookup(inputs.Secrets, "secret", s.Name, s.Optional == true) : null;
            foreach (var (key, value) in data ?? new Dictionary<string, string>())
            {
                Set((source.Prefix ?? string.Empty) + key, value);
            }
        }

        foreach (var variable in inputs.Container.Env ?? [])
        {
            var value = variable.ValueFrom is { } from ? ValueFrom(variable.Name, from, inputs) : Expand(variable.Value ?? string.Empty, env);
            if (value is not null)
            {
                Set(variable.Name, value);
            }
        }

        foreach (var name in order)
        {
            env[name] = VolumePaths.Rewrite(ClusterDns.Rewrite(env[name], inputs.Pod.Metadata.NamespaceProperty, inputs.DnsRecords), inputs.Mounts);
        }

        Set(PodIpVariable, inputs.PodIp);
        Set(TerminationLogVariable, inputs.TerminationLogPath);
        Set(PodDirectoryVariable, inputs.PodDirectory);
        Set(PvcRootVariable, inputs.PvcRoot);
        return [.. order.Select(n => new KeyValuePair<string, string>(n, env[n]))];
    }

    public static List<string> Arguments(IEnumerable<string> imageArgs, V1Container container, IReadOnlyList<KeyValuePair<string, string>> env, string ns, IReadOnlyDictionary<string, string> dns, IReadOnlyList<(string MountPath, string HostPath)> mounts)
    {
        var lookup = env.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        var result = new List<string>(imageArgs);
        foreach (var arg in (container.Command ?? []).Concat(container.Args ?? []))
        {
            result.Add(VolumePaths.Rewrite(ClusterDns.Rewrite(Expand(arg, lookup), ns, dns), mounts));
        }

        return result;
    }

    // $(VAR) refers to an earlier variable, $$ escapes, unknown references stay as written.
    public static string Expand(string input, IReadOnlyDictionary<string, string> env)
    {
        if (!input.Contains('$', StringComparison.Ordinal))
        {
            return input;
        }

        var sb = new StringBuilder(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            if (input[i] == '$' && i + 1 < input.Length)
            {
                if (input[i + 1] == '$')
                {
                    sb.Append('$');
                    i++;
                    continue;
                }

                if (input[i + 1] == '(')
                {
                    var close = input.IndexOf(')', i + 2);
                    if (close > 0)
                    {
                        var name = input[(i + 2)..close];
                        if (env.TryGetValue(name, out var value))
                        {
                            sb.Append(value);
                            i = close;
                            continue;
                        }
                    }
                }
            }

            sb.Append(input[i]);
        }

        return sb.ToString();
    }

    private static string? ValueFrom(string name, V1EnvVarSource from, ContainerEnvironmentInputs inputs)
    {
        var pod = inputs.Pod;
        if (from.FieldRef is { } field)
        {
            var path = field.FieldPath;
            return path switch
            {
                "metadata.name" => pod.Metadata.Name,
                "metadata.namespace" => pod.Metadata.NamespaceProperty,
                "metadata.uid" => pod.Metadata.Uid,
                "spec.nodeName" => pod.Spec.NodeName,
                "spec.serviceAccountName" => pod.Spec.ServiceAccountName ?? "default",
                "status.podIP" or "status.podIPs" => inputs.PodIp,
                "status.hostIP" or "status.hostIPs" => inputs.HostIp,
                _ when path.StartsWith("metadata.labels['", StringComparison.Ordinal) => Get(pod.Metadata.Labels, Key(path)),
                _ when path.StartsWith("metadata.annotations['", StringComparison.Ordinal) => Get(pod.Metadata.Annotations, Key(path)),
                _ => throw new ContainerStartException("CreateContainerConfigError", $"env {name}: unsupported fieldRef.fieldPath \"{path}\""),
            };
        }

        if (from.ResourceFieldRef is { } resource)
        {
            var requirements = inputs.Container.Resources;
            var parts = resource.Resource.Split('.', 2);
            var source = parts[0] == "limits" ? requirements?.Limits : requirements?.Requests;
            if (parts.Length != 2 || source is null || !source.TryGetValue(parts[1], out var quantity))
            {
                return "0";
            }

            var divisor = resource.Divisor?.ToDecimal() is { } d && d != 0 ? d : 1m;
            return Math.Ceiling(quantity.ToDecimal() / divisor).ToString(CultureInfo.InvariantCulture);
        }

        if (from.ConfigMapKeyRef is { } cmKey)
        {
            var data = Lookup(inputs.ConfigMaps, "configmap", cmKey.Name, cmKey.Optional == true);
            return KeyOf(data, "configmap", cmKey.Name, cmKey.Key, cmKey.Optional == true, name);
        }

        if (from.SecretKeyRef is { } secretKey)
        {
            var data = Lookup(inputs.Secrets, "secret", secretKey.Name, secretKey.Optional == true);
            return KeyOf(data, "secret", secretKey.Name, secretKey.Key, secretKey.Optional == true, name);
        }

        return null;
    }

    private static string? KeyOf(IDictionary<string, string>? data, string kind, string objectName, string key, bool optional, string variable)
    {
        if (data is not null && data.TryGetValue(key, out var value))
        {
            return value;
        }

        return optional ? null : throw new ContainerStartException("CreateContainerConfigError", $"env {variable}: couldn't find key {key} in {kind} {objectName}");
    }

    private static IDictionary<string, string>? Lookup(IReadOnlyDictionary<string, IDictionary<string, string>> all, string kind, string name, bool optional) =>
        all.TryGetValue(name, out var data) ? data : optional ? null : throw new ContainerStartException("CreateContainerConfigError", $"{kind} \"{name}\" not found");

    private static string Get(IDictionary<string, string>? map, string key) =>
        map is not null && map.TryGetValue(key, out var value) ? value : string.Empty;

    private static string Key(string path)
    {
        var start = path.IndexOf("['", StringComparison.Ordinal) + 2;
        var end = path.LastIndexOf("']", StringComparison.Ordinal);
        return end > start ? path[start..end] : string.Empty;
    }
}
