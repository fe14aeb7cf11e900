using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Schema;
using k8s.Models;

namespace AiOperator.LocalCluster.ApiServer.Storage;

// What kube-apiserver's ValidatePodSpec (k8s.io/kubernetes/pkg/apis/core/validation) refuses in a pod
// spec, for pods and for the pod templates of workloads alike (`at` is the spec's path, e.g.
// "spec.template.spec"). Runs after defaulting, so fields the defaults fill are present.
internal static class PodSpecValidation
{
    public static void Check(JsonObject? spec, string at, List<FieldError> errors)
    {
        var volumes = Volumes(spec.Arr("volumes"), $"{at}.volumes", errors);
        var containers = spec.Arr("containers");
        if (containers is null or { Count: 0 })
        {
            errors.Add(FieldError.Required($"{at}.containers"));
        }

        // Regular containers are checked first, so a name clash is reported on the init container.
        var names = new HashSet<string>(StringComparer.Ordinal);
        Containers(containers, $"{at}.containers", volumes, names, errors, init: false);
        Containers(spec.Arr("initContainers"), $"{at}.initContainers", volumes, names, errors, init: true);

        // Defaulting sets Always whenever there is a spec, so only a missing spec leaves it unset.
        switch (spec.Str("restartPolicy"))
        {
            case null or "Always" or "OnFailure" or "Never":
                break;
            case var other:
                errors.Add(FieldError.NotSupported($"{at}.restartPolicy", Quote(other), ["\"Always\"", "\"OnFailure\"", "\"Never\""]));
                break;
        }

        Tolerations(spec.Arr("tolerations"), $"{at}.tolerations", errors);
    }

    public static string Quote(string value) => JsonSerializer.Serialize(value, JsonTree.Compact);

    private static HashSet<string> Volumes(JsonArray? volumes, string at, List<FieldError> errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (volumes?.Count ?? 0); i++)
        {
            var name = volumes![i].Str("name") ?? "";
            Name(name, $"{at}[{i}].name", errors);
            if (name.Length > 0 && !names.Add(name))
            {
                errors.Add(FieldError.Duplicate($"{at}[{i}].name", Quote(name)));
            }
        }

        return names;
    }

    private static void Containers(JsonArray? containers, string at, HashSet<string> volumes, HashSet<string> names, List<FieldError> errors, bool init)
    {
        for (var i = 0; i < (containers?.Count ?? 0); i++)
        {
            var container = containers![i] as JsonObject;
            var path = $"{at}[{i}]";
            var name = container.Str("name") ?? "";
            Name(name, $"{path}.name", errors);
            if (name.Length > 0 && !names.Add(name))
            {
                errors.Add(FieldError.Duplicate($"{path}.name", Quote(name)));
            }

            if (string.IsNullOrEmpty(container.Str("image")))
            {
                errors.Add(FieldError.Required($"{path}.image"));
            }

            Ports(container.Arr("ports"), $"{path}.ports", errors);
            VolumeMounts(container.Arr("volumeMounts"), $"{path}.volumeMounts", volumes, errors);
            Resources(container.Obj("resources"), $"{path}.resources", errors);
            // validateInitContainers: an init container runs to completion before the others start, so only a
            // sidecar (restartPolicy Always) may have probes or lifecycle hooks.
            if (init && container.Str("restartPolicy") != "Always")
            {
                foreach (var field in new[] { "lifecycle", "livenessProbe", "readinessProbe", "startupProbe" })
                {
                    if (container?[field] is not null)
                    {
                        errors.Add(FieldError.Forbidden($"{path}.{field}", "may not be set for init containers without restartPolicy=Always"));
                    }
                }
            }
            else
            {
                ProbeValidation.Check(container, path, errors);
            }
        }
    }

    private static void Name(string name, string at, List<FieldError> errors)
    {
        if (name.Length == 0)
        {
            errors.Add(FieldError.Required(at));
            return;
        }

        errors.AddRange(Dns1123.LabelErrors(name).Select(message => FieldError.Invalid(at, Quote(name), message)));
    }

    private static void Ports(JsonArray? ports, string at, List<FieldError> errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (ports?.Count ?? 0); i++)
        {
            var port = ports![i];
            var path = $"{at}[{i}]";
            if (port.Str("name") is { Length: > 0 } name)
            {
                var messages = Dns1123.PortNameErrors(name).ToList();
                errors.AddRange(messages.Select(message => FieldError.Invalid($"{path}.name", Quote(name), message)));
                if (messages.Count == 0 && !names.Add(name))
                {
                    errors.Add(FieldError.Duplicate($"{path}.name", Quote(name)));
                }
            }

            if ((port.Long("containerPort") ?? 0) == 0)
            {
                errors.Add(FieldError.Required($"{path}.containerPort"));
            }
            else
            {
                PortNumber(port.Long("containerPort"), $"{path}.containerPort", errors);
            }

            if (port.Long("hostPort") is { } host and not 0)
            {
                PortNumber(host, $"{path}.hostPort", errors);
            }
        }
    }

    // IsValidPortNum, for container, host and Service ports alike.
    public static void PortNumber(long? port, string at, List<FieldError> errors)
    {
        if (port is not { } value || value is < 1 or > 65535)
        {
            errors.Add(FieldError.Invalid(at, (port ?? 0).ToString(CultureInfo.InvariantCulture), "must be between 1 and 65535, inclusive"));
        }
    }

    private static void VolumeMounts(JsonArray? mounts, string at, HashSet<string> volumes, List<FieldError> errors)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (mounts?.Count ?? 0); i++)
        {
            var path = $"{at}[{i}]";
            var name = mounts![i].Str("name") ?? "";
            if (name.Length == 0)
            {
                errors.Add(FieldError.Required($"{path}.name"));
            }

            if (!volumes.Contains(name))
            {
                errors.Add(FieldError.NotFound($"{path}.name", Quote(name)));
            }

            var mountPath = mounts[i].Str("mountPath") ?? "";
            if (mountPath.Length == 0)
            {
                errors.Add(FieldError.Required($"{path}.mountPath"));
            }

            if (!paths.Add(mountPath))
            {
                errors.Add(FieldError.Invalid($"{path}.mountPath", Quote(mountPath), "must be unique"));
            }
        }
    }

    // ValidateResourceRequirements: a request above its limit is refused; a resource that cannot be
    // overcommitted (extended resources such as nvidia.com/gpu, hugepages) needs a limit equal to its request.
    private static void Resources(JsonObject? resources, string at, List<FieldError> errors)
    {
        var limits = resources.Obj("limits");
        foreach (var (name, value) in resources.Obj("requests") ?? [])
        {
            if (Quantity(value) is not { } request)
            {
                continue;
            }

            var overcommit = IsOvercommitAllowed(name);
            if (limits?[name] is { } limitNode)
            {
                if (Quantity(limitNode) is not { } limit)
                {
                    continue;
                }

                var comparison = request.ToDecimal().CompareTo(limit.ToDecimal());
                if (comparison != 0 && !overcommit)
                {
                    errors.Add(FieldError.Invalid($"{at}.requests", Quote(request.ToString()), $"must be equal to {name} limit of {limit}"));
                }
                else if (comparison > 0)
                {
                    errors.Add(FieldError.Invalid($"{at}.requests", Quote(request.ToString()), $"must be less than or equal to {name} limit of {limit}"));
                }
            }
            else if (!overcommit)
            {
                errors.Add(FieldError.Required($"{at}.limits", "Limit must be set for non overcommitable resources"));
            }
        }
    }

    // IsNativeResource and not hugepages: cpu, memory, ephemeral-storage and kubernetes.io/ names.
    private static bool IsOvercommitAllowed(string name) =>
        (!name.Contains('/', StringComparison.Ordinal) || name.Contains("kubernetes.io/", StringComparison.Ordinal))
        && !name.StartsWith("hugepages-", StringComparison.Ordinal);

    private static ResourceQuantity? Quantity(JsonNode? node)
    {
        // A malformed quantity was already refused by the type check; nothing to compare then.
        try
        {
            return JsonTree.ScalarText(node) is { } text ? new ResourceQuantity(text) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    // ValidateTolerations, in kube's order: empty key needs Exists, tolerationSeconds needs NoExecute,
    // then the operator and the effect enums.
    private static void Tolerations(JsonArray? tolerations, string at, List<FieldError> errors)
    {
        for (var i = 0; i < (tolerations?.Count ?? 0); i++)
        {
            var toleration = tolerations![i];
            var path = $"{at}[{i}]";
            var key = toleration.Str("key") ?? "";
            var op = toleration.Str("operator") ?? "";
            var value = toleration.Str("value") ?? "";
            var effect = toleration.Str("effect") ?? "";
            if (key.Length == 0 && op != "Exists")
            {
                errors.Add(FieldError.Invalid($"{path}.operator", Quote(op), "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
            }

            if (toleration?["tolerationSeconds"] is not null && effect != "NoExecute")
            {
                errors.Add(FieldError.Invalid($"{path}.effect", Quote(effect), "effect must be 'NoExecute' when `tolerationSeconds` is set"));
            }

            switch (op)
            {
                case "" or "Equal":
                    break;
                case "Exists" when value.Length > 0:
                    var seconds = toleration.Long("tolerationSeconds") is { } s ? $"&{s}" : "(*int64)(nil)";
                    var rendered = $"core.Toleration{{Key:{Quote(key)}, Operator:{Quote(op)}, Value:{Quote(value)}, Effect:{Quote(effect)}, TolerationSeconds:{seconds}}}";
                    errors.Add(FieldError.Invalid($"{path}.operator", rendered, "value must be empty when `operator` is 'Exists'"));
                    break;
                case "Exists":
                    break;
                default:
                    errors.Add(FieldError.NotSupported($"{path}.operator", Quote(op), ["\"Equal\"", "\"Exists\""]));
                    break;
            }

            if (effect is not ("" or "NoSchedule" or "PreferNoSchedule" or "NoExecute"))
            {
                errors.Add(FieldError.NotSupported($"{path}.effect", Quote(effect), ["\"NoSchedule\"", "\"PreferNoSchedule\"", "\"NoExecute\""]));
            }
        }
    }
}
