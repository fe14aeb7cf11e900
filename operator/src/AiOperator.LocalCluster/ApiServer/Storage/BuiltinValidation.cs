using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Schema;
using AiOperator.LocalCluster.Simulation.Networking;
using k8s;
using k8s.Models;

namespace AiOperator.LocalCluster.ApiServer.Storage;

// The required-field and enum checks kube-apiserver's validation makes for the workload and policy
// kinds users create by hand (k8s.io/kubernetes/pkg/apis/*/validation), phrased like field.Error,
// so a manifest that a real cluster refuses is refused here too. Runs after defaulting.
internal static class BuiltinValidation
{
    // scheduling.HighestUserDefinablePriority: larger values are reserved for system- classes.
    private const long HighestUserDefinablePriority = 1_000_000_000;

    public static void Check(string storeKey, JsonObject obj, List<FieldError> errors)
    {
        switch (storeKey)
        {
            case "/pods":
                PodSpecValidation.Check(obj.Obj("spec"), "spec", errors);
                break;
            case "apps/deployments" or "apps/replicasets":
                ReplicatedTemplate(obj.Obj("spec"), errors);
                break;
            case "/services":
                ServiceValidation.Check(obj.Obj("spec"), errors);
                break;
            case "batch/jobs":
                JobSpec(obj.Obj("spec"), "spec", errors);
                SelectorMatchesTemplate(obj.Obj("spec"), "spec", errors);
                break;
            case "batch/cronjobs":
                var cron = obj.Obj("spec");
                if (string.IsNullOrWhiteSpace(cron.Str("schedule")))
                {
                    errors.Add(FieldError.Required("spec.schedule"));
                }

                OneOf(cron.Str("concurrencyPolicy"), "spec.concurrencyPolicy", ["Allow", "Forbid", "Replace"], errors);
                JobSpec(cron.Obj("jobTemplate").Obj("spec"), "spec.jobTemplate.spec", errors);
                break;
            case "scheduling.k8s.io/priorityclasses":
                if (obj["value"] is null)
                {
                    errors.Add(FieldError.Required("value"));
                }
                else if (obj.Long("value") > HighestUserDefinablePriority && !obj.Name().StartsWith("system-", StringComparison.Ordinal))
                {
                    errors.Add(FieldError.Forbidden("value", $"maximum allowed value of a user defined priority is {HighestUserDefinablePriority}"));
                }

                OneOf(obj.Str("preemptionPolicy"), "preemptionPolicy", ["Never", "PreemptLowerPriority"], errors);
                break;
            case "storage.k8s.io/storageclasses":
                if (string.IsNullOrEmpty(obj.Str("provisioner")))
                {
                    errors.Add(FieldError.Required("provisioner"));
                }

                OneOf(obj.Str("reclaimPolicy"), "reclaimPolicy", ["Delete", "Retain"], errors);
                OneOf(obj.Str("volumeBindingMode"), "volumeBindingMode", ["Immediate", "WaitForFirstConsumer"], errors);
                break;
            case "/persistentvolumes":
                var pv = obj.Obj("spec");
                if (pv.Obj("capacity")?["storage"] is null)
                {
                    errors.Add(FieldError.Required("spec.capacity"));
                }

                if (pv.Arr("accessModes") is null or { Count: 0 })
                {
                    errors.Add(FieldError.Required("spec.accessModes"));
                }

                break;
            case "networking.k8s.io/ingresses":
                var rules = obj.Obj("spec").Arr("rules") ?? [];
                for (var r = 0; r < rules.Count; r++)
                {
                    var paths = rules[r].Obj("http").Arr("paths") ?? [];
                    for (var p = 0; p < paths.Count; p++)
                    {
                        var at = $"spec.rules[{r}].http.paths[{p}]";
                        if (paths[p].Str("pathType") is not { } pathType)
                        {
                            errors.Add(FieldError.Required($"{at}.pathType"));
                        }
                        else
                        {
                            OneOf(pathType, $"{at}.pathType", ["Exact", "ImplementationSpecific", "Prefix"], errors);
                        }
                    }
                }

                break;
            case "autoscaling/horizontalpodautoscalers":
                var hpa = obj.Obj("spec");
                if (string.IsNullOrEmpty(hpa.Obj("scaleTargetRef").Str("kind")))
                {
                    errors.Add(FieldError.Required("spec.scaleTargetRef.kind"));
                }

                if (string.IsNullOrEmpty(hpa.Obj("scaleTargetRef").Str("name")))
                {
                    errors.Add(FieldError.Required("spec.scaleTargetRef.name"));
                }

                if ((hpa.Long("maxReplicas") ?? 0) < 1)
                {
                    errors.Add(FieldError.Invalid("spec.maxReplicas", $"{hpa.Long("maxReplicas") ?? 0}", "must be greater than or equal to 1"));
                }
                else if (hpa.Long("minReplicas") is { } min && min > hpa.Long("maxReplicas"))
                {
                    errors.Add(FieldError.Invalid("spec.maxReplicas", $"{hpa.Long("maxReplicas")}", "must be greater than or equal to `minReplicas`"));
                }

                break;
        }
    }

    private static void JobSpec(JsonObject? spec, string at, List<FieldError> errors)
    {
        foreach (var field in new[] { "parallelism", "completions", "backoffLimit", "activeDeadlineSeconds", "ttlSecondsAfterFinished" })
        {
            if (spec.Long(field) is < 0 and var value)
            {
                errors.Add(FieldError.Invalid($"{at}.{field}", $"{value}", "must be greater than or equal to 0"));
            }
        }

        var pod = spec.Obj("template").Obj("spec");
        PodSpecValidation.Check(pod, $"{at}.template.spec", errors);

        // Always is the pod default, which a Job cannot use: its pods must end.
        var restart = pod.Str("restartPolicy") ?? "Always";
        if (restart is not ("Never" or "OnFailure"))
        {
            errors.Add(FieldError.NotSupported($"{at}.template.spec.restartPolicy", $"\"{restart}\"", ["\"OnFailure\"", "\"Never\""]));
        }

        OneOf(spec.Str("completionMode"), $"{at}.completionMode", ["Indexed", "NonIndexed"], errors);
    }

    // ValidateDeploymentSpec / ValidateReplicaSetSpec: a non-empty selector that selects the template's
    // pods, and pods that restart forever.
    private static void ReplicatedTemplate(JsonObject? spec, List<FieldError> errors)
    {
        var selector = spec.Obj("selector");
        if (selector is null)
        {
            errors.Add(FieldError.Required("spec.selector"));
        }
        else if (selector.Obj("matchLabels") is null or { Count: 0 } && selector.Arr("matchExpressions") is null or { Count: 0 })
        {
            // kube prints the empty selector struct (%#v) and says "deployment" for ReplicaSets too.
            errors.Add(FieldError.Invalid("spec.selector", "v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}", "empty selector is invalid for deployment"));
        }
        else
        {
            SelectorMatchesTemplate(spec, "spec", errors);
        }

        var pod = spec.Obj("template").Obj("spec");
        PodSpecValidation.Check(pod, "spec.template.spec", errors);
        if (pod.Str("restartPolicy") is { } restart and not "Always")
        {
            errors.Add(FieldError.NotSupported("spec.template.spec.restartPolicy", PodSpecValidation.Quote(restart), ["\"Always\""]));
        }
    }

    // Whether set by hand or generated, a controller's selector must select the pods it will create.
    private static void SelectorMatchesTemplate(JsonObject? spec, string at, List<FieldError> errors)
    {
        if (spec?["selector"] is not JsonObject selectorNode)
        {
            return;
        }

        var selector = KubernetesJson.Deserialize<V1LabelSelector>(selectorNode.ToJsonString());
        var labels = spec.Obj("template").Obj("metadata").Obj("labels")?
            .Where(l => JsonTree.AsString(l.Value) is not null)
            .ToDictionary(l => l.Key, l => JsonTree.AsString(l.Value)!, StringComparer.Ordinal) ?? [];
        if (!LabelSelectors.Matches(selector, labels))
        {
            var rendered = $"map[string]string{{{string.Join(", ", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{PodSpecValidation.Quote(l.Key)}:{PodSpecValidation.Quote(l.Value)}"))}}}";
            errors.Add(FieldError.Invalid($"{at}.template.metadata.labels", rendered, "`selector` does not match template `labels`"));
        }
    }

    private static void OneOf(string? value, string field, string[] allowed, List<FieldError> errors)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add(FieldError.NotSupported(field, $"\"{value}\"", allowed.Select(a => $"\"{a}\"")));
        }
    }
}
