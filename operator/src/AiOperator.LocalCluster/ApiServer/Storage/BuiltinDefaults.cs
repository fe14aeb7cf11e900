using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;

namespace AiOperator.LocalCluster.ApiServer.Storage;

// The defaults kube-apiserver fills in for the built-ins the operator writes (SetDefaults_* in
// k8s.io/kubernetes/pkg/apis/*/v1), so controllers meet server-set fields here as they would in a
// real cluster and a naive "desired != actual" diff shows up as endless writes in tests.
internal static class BuiltinDefaults
{
    public static void Apply(string storeKey, JsonObject obj)
    {
        switch (storeKey)
        {
            case "/pods":
                PodSpec(obj.EnsureObj("spec"));
                break;
            case "apps/deployments":
                var deployment = obj.EnsureObj("spec");
                deployment["replicas"] ??= 1;
                deployment["revisionHistoryLimit"] ??= 10;
                deployment["progressDeadlineSeconds"] ??= 600;
                var strategy = deployment.EnsureObj("strategy");
                strategy["type"] ??= "RollingUpdate";
                if (strategy.Str("type") == "RollingUpdate")
                {
                    var rolling = strategy.EnsureObj("rollingUpdate");
                    rolling["maxUnavailable"] ??= "25%";
                    rolling["maxSurge"] ??= "25%";
                }

                Template(deployment);
                break;
            case "apps/replicasets":
                var replicaSet = obj.EnsureObj("spec");
                replicaSet["replicas"] ??= 1;
                Template(replicaSet);
                break;
            case "/services":
                Service(obj.EnsureObj("spec"));
                break;
            case "/secrets":
                obj["type"] ??= "Opaque";
                break;
            case "batch/jobs":
                Job(obj.EnsureObj("spec"));
                break;
            case "batch/cronjobs":
                var cron = obj.EnsureObj("spec");
                cron["concurrencyPolicy"] ??= "Allow";
                cron["suspend"] ??= false;
                cron["successfulJobsHistoryLimit"] ??= 3;
                cron["failedJobsHistoryLimit"] ??= 1;
                Job(cron.EnsureObj("jobTemplate").EnsureObj("spec"));
                break;
            case "scheduling.k8s.io/priorityclasses":
                obj["preemptionPolicy"] ??= "PreemptLowerPriority";
                break;
            case "storage.k8s.io/storageclasses":
                obj["reclaimPolicy"] ??= "Delete";
                obj["volumeBindingMode"] ??= "Immediate";
                break;
            case "/persistentvolumes":
                var pv = obj.EnsureObj("spec");
                pv["persistentVolumeReclaimPolicy"] ??= "Retain";
                pv["volumeMode"] ??= "Filesystem";
                obj.EnsureObj("status")["phase"] ??= "Pending";
                break;
            case "networking.k8s.io/networkpolicies":
                NetworkPolicy(obj.EnsureObj("spec"));
                break;
            case "autoscaling/horizontalpodautoscalers":
                var hpa = obj.EnsureObj("spec");
                hpa["minReplicas"] ??= 1;
                if (hpa.Arr("metrics") is null or { Count: 0 })
                {
                    hpa["metrics"] = new JsonArray(new JsonObject
                    {
                        ["type"] = "Resource",
                        ["resource"] = new JsonObject { ["name"] = "cpu", ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = 80 } },
                    });
                }

                break;
        }
    }

    // SetDefaults_Job: one pod to completion unless told otherwise, 6 retries, non-indexed.
    private static void Job(JsonObject spec)
    {
        if (spec["completions"] is null && spec["parallelism"] is null)
        {
            spec["completions"] = 1;
            spec["parallelism"] = 1;
        }

        spec["parallelism"] ??= 1;
        spec["backoffLimit"] ??= 6;
        spec["completionMode"] ??= "NonIndexed";
        spec["suspend"] ??= false;
        spec["podReplacementPolicy"] ??= "TerminatingOrFailed";
        Template(spec);
    }

    private static void NetworkPolicy(JsonObject spec)
    {
        if (spec["policyTypes"] is null)
        {
            var types = new JsonArray("Ingress");
            if (spec.Arr("egress") is { Count: > 0 })
            {
                types.Add("Egress");
            }

            spec["policyTypes"] = types;
        }

        foreach (var direction in new[] { "ingress", "egress" })
        {
            foreach (var rule in spec.Arr(direction)?.OfType<JsonObject>() ?? [])
            {
                foreach (var port in rule.Arr("ports")?.OfType<JsonObject>() ?? [])
                {
                    port["protocol"] ??= "TCP";
                }
            }
        }
    }

    private static void Template(JsonObject spec)
    {
        if (spec.Obj("template").Obj("spec") is { } podSpec)
        {
            PodSpec(podSpec);
        }
    }

    private static void PodSpec(JsonObject spec)
    {
        // Go defaulting treats an empty string as unset.
        if (spec.Str("restartPolicy") is null or "")
        {
            spec["restartPolicy"] = "Always";
        }

        spec["terminationGracePeriodSeconds"] ??= 30;
        spec["dnsPolicy"] ??= "ClusterFirst";
        spec["securityContext"] ??= new JsonObject();
        spec["schedulerName"] ??= "default-scheduler";
        spec["enableServiceLinks"] ??= true;
        foreach (var list in new[] { "containers", "initContainers" })
        {
            foreach (var container in spec.Arr(list)?.OfType<JsonObject>() ?? [])
            {
                Container(container);
            }
        }

        foreach (var volume in spec.Arr("volumes")?.OfType<JsonObject>() ?? [])
        {
            foreach (var source in new[] { "configMap", "secret" })
            {
                if (volume.Obj(source) is { } projected)
                {
                    projected["defaultMode"] ??= 420;
                }
            }
        }
    }

    private static void Container(JsonObject container)
    {
        var image = container.Str("image") ?? "";
        var lastSegment = image[(image.LastIndexOf('/') + 1)..];
        var untaggedOrLatest = !lastSegment.Contains(':', StringComparison.Ordinal) && !image.Contains('@', StringComparison.Ordinal)
            || lastSegment.EndsWith(":latest", StringComparison.Ordinal);
        container["imagePullPolicy"] ??= untaggedOrLatest ? "Always" : "IfNotPresent";
        container["terminationMessagePath"] ??= "/dev/termination-log";
        container["terminationMessagePolicy"] ??= "File";
        container["resources"] ??= new JsonObject();
        foreach (var port in container.Arr("ports")?.OfType<JsonObject>() ?? [])
        {
            port["protocol"] ??= "TCP";
        }

        // Limits without requests request the same amount.
        if (container.Obj("resources").Obj("limits") is { Count: > 0 } limits)
        {
            var requests = container.Obj("resources")!.EnsureObj("requests");
            foreach (var (name, value) in limits)
            {
                requests[name] ??= value?.DeepClone();
            }
        }

        foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
        {
            if (container.Obj(probe) is { } p)
            {
                // SetDefaults_Probe: zero is unset too (a period of 0 would probe without pause).
                foreach (var (field, value) in new[] { ("timeoutSeconds", 1), ("periodSeconds", 10), ("successThreshold", 1), ("failureThreshold", 3) })
                {
                    if (p[field] is null || JsonTree.AsLong(p[field]) == 0)
                    {
                        p[field] = value;
                    }
                }
                if (p.Obj("httpGet") is { } get)
                {
                    get["path"] ??= "/";
                    get["scheme"] ??= "HTTP";
                }

                if (p.Obj("grpc") is { } grpc)
                {
                    grpc["service"] ??= "";
                }
            }
        }
    }

    private static void Service(JsonObject spec)
    {
        spec["type"] ??= "ClusterIP";
        spec["sessionAffinity"] ??= "None";
        if (spec.Str("type") is "ClusterIP" or "NodePort" or "LoadBalancer")
        {
            spec["internalTrafficPolicy"] ??= "Cluster";
        }

        foreach (var port in spec.Arr("ports")?.OfType<JsonObject>() ?? [])
        {
            port["protocol"] ??= "TCP";
            // SetDefaults_Service: an unset, zero or empty targetPort is the port itself.
            if (port["targetPort"] is null || JsonTree.AsLong(port["targetPort"]) == 0 || JsonTree.AsString(port["targetPort"]) == "")
            {
                port.Remove("targetPort");
            }

            if (port["targetPort"] is null && port["port"] is { } number)
            {
                port["targetPort"] = number.DeepClone();
            }
        }
    }
}
