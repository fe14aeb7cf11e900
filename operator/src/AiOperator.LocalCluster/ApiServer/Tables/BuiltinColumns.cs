using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;

namespace AiOperator.LocalCluster.ApiServer.Tables;

// The columns kube-apiserver's table convertors print for the built-in kinds (the common subset).
internal static class BuiltinColumns
{
    public static IReadOnlyList<TableColumn> For(string group, string kind) => (group, kind) switch
    {
        ("", "Pod") =>
        [
            Name(),
            Col("Ready", "string", (o, _) => PodReady(o)),
            Col("Status", "string", (o, _) => PodStatus(o)),
            Col("Restarts", "string", (o, _) => Restarts(o)),
            Age(),
            Col("IP", "string", (o, _) => o.Obj("status").Str("podIP") ?? "<none>", 1),
            Col("Node", "string", (o, _) => o.Obj("spec").Str("nodeName") ?? "<none>", 1),
        ],
        ("apps", "Deployment") =>
        [
            Name(),
            Col("Ready", "string", (o, _) => $"{o.Obj("status").Long("readyReplicas") ?? 0}/{o.Obj("spec").Long("replicas") ?? 1}"),
            Col("Up-to-date", "integer", (o, _) => o.Obj("status").Long("updatedReplicas") ?? 0),
            Col("Available", "integer", (o, _) => o.Obj("status").Long("availableReplicas") ?? 0),
            Age(),
        ],
        ("apps", "ReplicaSet") =>
        [
            Name(),
            Col("Desired", "integer", (o, _) => o.Obj("spec").Long("replicas") ?? 1),
            Col("Current", "integer", (o, _) => o.Obj("status").Long("replicas") ?? 0),
            Col("Ready", "integer", (o, _) => o.Obj("status").Long("readyReplicas") ?? 0),
            Age(),
        ],
        ("", "Node") =>
        [
            Name(),
            Col("Status", "string", (o, _) => NodeStatus(o)),
            Col("Roles", "string", (_, _) => "<none>"),
            Age(),
            Col("Version", "string", (o, _) => o.Obj("status").Obj("nodeInfo").Str("kubeletVersion") ?? ""),
        ],
        ("policy", "PodDisruptionBudget") =>
        [
            Name(),
            Col("Min Available", "string", (o, _) => IntOrPercent(o.Obj("spec")?["minAvailable"])),
            Col("Max Unavailable", "string", (o, _) => IntOrPercent(o.Obj("spec")?["maxUnavailable"])),
            Col("Allowed Disruptions", "integer", (o, _) => o.Obj("status").Long("disruptionsAllowed") ?? 0),
            Age(),
        ],
        ("", "Namespace") => [Name(), Col("Status", "string", (o, _) => o.Obj("status").Str("phase") ?? ""), Age()],
        ("", "Service") =>
        [
            Name(),
            Col("Type", "string", (o, _) => o.Obj("spec").Str("type") ?? "ClusterIP"),
            Col("Cluster-IP", "string", (o, _) => o.Obj("spec").Str("clusterIP") ?? "<none>"),
            Col("External-IP", "string", (_, _) => "<none>"),
            Col("Port(s)", "string", (o, _) => Ports(o)),
            Age(),
        ],
        ("", "ConfigMap") => [Name(), Col("Data", "integer", (o, _) => (o.Obj("data")?.Count ?? 0) + (o.Obj("binaryData")?.Count ?? 0)), Age()],
        ("", "Secret") =>
        [
            Name(),
            Col("Type", "string", (o, _) => o.Str("type") ?? "Opaque"),
            Col("Data", "integer", (o, _) => (o.Obj("data")?.Count ?? 0) + (o.Obj("stringData")?.Count ?? 0)),
            Age(),
        ],
        ("", "Event") =>
        [
            Col("Last Seen", "string", (o, now) => Since(o.Str("lastTimestamp") ?? o.Str("eventTime") ?? o.Obj("metadata").Str("creationTimestamp"), now)),
            Col("Type", "string", (o, _) => o.Str("type") ?? ""),
            Col("Reason", "string", (o, _) => o.Str("reason") ?? ""),
            Col("Object", "string", (o, _) => $"{(o.Obj("involvedObject").Str("kind") ?? "").ToLowerInvariant()}/{o.Obj("involvedObject").Str("name")}"),
            Col("Message", "string", (o, _) => o.Str("message") ?? ""),
        ],
        ("batch", "Job") =>
        [
            Name(),
            Col("Status", "string", (o, _) => JobStatus(o)),
            Col("Completions", "string", (o, _) => $"{o.Obj("status").Long("succeeded") ?? 0}/{o.Obj("spec").Long("completions")?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "1"}"),
            Col("Duration", "string", (o, now) => JobDuration(o, now)),
            Age(),
        ],
        ("batch", "CronJob") =>
        [
            Name(),
            Col("Schedule", "string", (o, _) => o.Obj("spec").Str("schedule") ?? ""),
            Col("Timezone", "string", (o, _) => o.Obj("spec").Str("timeZone") ?? "<none>"),
            Col("Suspend", "boolean", (o, _) => JsonTree.IsTrue(o.Obj("spec")?["suspend"])),
            Col("Active", "integer", (o, _) => o.Obj("status").Arr("active")?.Count ?? 0),
            Col("Last Schedule", "string", (o, now) => o.Obj("status").Str("lastScheduleTime") is { } last ? Since(last, now) : "<none>"),
            Age(),
        ],
        ("scheduling.k8s.io", "PriorityClass") =>
        [
            Name(),
            Col("Value", "integer", (o, _) => o.Long("value") ?? 0),
            Col("Global-Default", "boolean", (o, _) => JsonTree.IsTrue(o["globalDefault"])),
            Age(),
            Col("PreemptionPolicy", "string", (o, _) => o.Str("preemptionPolicy") ?? ""),
        ],
        ("", "ResourceQuota") =>
        [
            Name(),
            Age(),
            Col("Request", "string", (o, _) => QuotaCell(o, limits: false)),
            Col("Limit", "string", (o, _) => QuotaCell(o, limits: true)),
        ],
        ("", "ServiceAccount") => [Name(), Col("Secrets", "string", (o, _) => o.Arr("secrets")?.Count ?? 0), Age()],
        ("", "Endpoints") => [Name(), Col("Endpoints", "string", (o, _) => EndpointsCell(o)), Age()],
        ("discovery.k8s.io", "EndpointSlice") =>
        [
            Name(),
            Col("AddressType", "string", (o, _) => o.Str("addressType") ?? ""),
            Col("Ports", "string", (o, _) => o.Arr("ports") is { Count: > 0 } ports ? string.Join(",", ports.Select(p => p.Long("port")?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "<unset>")) : "<unset>"),
            Col("Endpoints", "string", (o, _) => Truncated((o.Arr("endpoints") ?? []).SelectMany(e => e.Arr("addresses") ?? []).Select(JsonTree.AsString).OfType<string>().ToList())),
            Age(),
        ],
        ("", "PersistentVolumeClaim") =>
        [
            Name(),
            Col("Status", "string", (o, _) => o.Obj("status").Str("phase") ?? "Pending"),
            Col("Volume", "string", (o, _) => o.Obj("spec").Str("volumeName") ?? ""),
            Col("Capacity", "string", (o, _) => o.Obj("status").Obj("capacity").Str("storage") ?? ""),
            Col("Access Modes", "string", (o, _) => AccessModes(o.Obj("status").Arr("accessModes"))),
            Col("StorageClass", "string", (o, _) => o.Obj("spec").Str("storageClassName") ?? "<unset>"),
            Col("VolumeAttributesClass", "string", (o, _) => o.Obj("spec").Str("volumeAttributesClassName") ?? "<unset>"),
            Age(),
        ],
        ("coordination.k8s.io", "Lease") => [Name(), Col("Holder", "string", (o, _) => o.Obj("spec").Str("holderIdentity") ?? ""), Age()],
        ("apiextensions.k8s.io", "CustomResourceDefinition") =>
            [Name(), Col("Created At", "date", (o, _) => o.Obj("metadata").Str("creationTimestamp"))],
        _ => [Name(), Age()],
    };

    // kubectl's quota cells: "name: used/hard" for each hard name, sorted; limits.* in the Limit column.
    private static string QuotaCell(JsonObject quota, bool limits)
    {
        var hard = quota.Obj("status").Obj("hard") ?? quota.Obj("spec").Obj("hard");
        var used = quota.Obj("status").Obj("used");
        return string.Join(", ", (hard ?? []).Select(h => h.Key)
            .Where(name => name.StartsWith("limits.", StringComparison.Ordinal) == limits)
            .Order(StringComparer.Ordinal)
            .Select(name => $"{name}: {used.Str(name) ?? "0"}/{hard.Str(name)}"));
    }

    private static string EndpointsCell(JsonObject endpoints)
    {
        var pairs = new List<string>();
        foreach (var subset in endpoints.Arr("subsets") ?? [])
        {
            var ports = (subset.Arr("ports") ?? []).Select(p => p.Long("port")).ToList();
            foreach (var address in subset.Arr("addresses") ?? [])
            {
                var ip = address.Str("ip") ?? "";
                pairs.AddRange(ports.Count == 0 ? [ip] : ports.Select(p => $"{ip}:{p}"));
            }
        }

        return pairs.Count == 0 ? "<none>" : Truncated(pairs);
    }

    // Three values, then "+ N more...", as kubectl's printers cut long lists.
    private static string Truncated(List<string> values) =>
        values.Count == 0 ? "<unset>" : values.Count <= 3 ? string.Join(",", values) : $"{string.Join(",", values.Take(3))} + {values.Count - 3} more...";

    private static string AccessModes(JsonArray? modes) => string.Join(",", (modes ?? []).Select(JsonTree.AsString).Select(m => m switch
    {
        "ReadWriteOnce" => "RWO",
        "ReadOnlyMany" => "ROX",
        "ReadWriteMany" => "RWX",
        "ReadWriteOncePod" => "RWOP",
        _ => m,
    }));

    public static TableColumn Name() =>
        new("Name", "string", "name", "Name must be unique within a namespace.", 0, (o, _) => o.Name());

    public static TableColumn Age() =>
        new("Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0,
            (o, now) => Since(o.Obj("metadata").Str("creationTimestamp"), now));

    public static JsonNode? Since(string? timestamp, DateTimeOffset now) =>
        JsonTree.ParseTime(timestamp) is { } t ? HumanDuration.Format(now - t) : "<unknown>";

    private static TableColumn Col(string name, string type, Func<JsonObject, DateTimeOffset, JsonNode?> cell, int priority = 0) =>
        new(name, type, "", "", priority, cell);

    private static string PodReady(JsonObject pod)
    {
        var total = pod.Obj("spec").Arr("containers")?.Count ?? 0;
        var ready = pod.Obj("status").Arr("containerStatuses")?.Count(c => JsonTree.IsTrue(c?["ready"])) ?? 0;
        return $"{ready}/{total}";
    }

    private static string PodStatus(JsonObject pod)
    {
        if (pod.Obj("metadata")?["deletionTimestamp"] is not null)
        {
            return "Terminating";
        }

        foreach (var status in pod.Obj("status").Arr("containerStatuses") ?? [])
        {
            var waiting = status.Obj("state").Obj("waiting").Str("reason");
            if (waiting is not null)
            {
                return waiting;
            }

            var terminated = status.Obj("state").Obj("terminated").Str("reason");
            if (terminated is not null)
            {
                return terminated;
            }
        }

        return pod.Obj("status").Str("reason") ?? pod.Obj("status").Str("phase") ?? "Pending";
    }

    // kubectl 1.32's Job STATUS: the terminal condition, else Suspended/Running.
    private static string JobStatus(JsonObject job)
    {
        var conditions = job.Obj("status").Arr("conditions") ?? [];
        bool Has(string type) => conditions.Any(c => c.Str("type") == type && c.Str("status") == "True");
        return Has("Complete") ? "Complete" : Has("Failed") ? "Failed" : Has("FailureTarget") ? "FailureTarget"
            : Has("Suspended") ? "Suspended" : "Running";
    }

    private static JsonNode? JobDuration(JsonObject job, DateTimeOffset now)
    {
        if (JsonTree.ParseTime(job.Obj("status").Str("startTime")) is not { } start)
        {
            return "";
        }

        var end = JsonTree.ParseTime(job.Obj("status").Str("completionTime")) ?? now;
        return HumanDuration.Format(end - start);
    }

    private static long Restarts(JsonObject pod) =>
        (pod.Obj("status").Arr("containerStatuses") ?? []).Sum(c => c.Long("restartCount") ?? 0);

    private static string NodeStatus(JsonObject node)
    {
        var ready = node.Obj("status").Arr("conditions")?.FirstOrDefault(c => c.Str("type") == "Ready");
        var text = ready.Str("status") == "True" ? "Ready" : ready is null ? "Unknown" : "NotReady";
        return JsonTree.IsTrue(node.Obj("spec")?["unschedulable"]) ? text + ",SchedulingDisabled" : text;
    }

    private static string Ports(JsonObject service)
    {
        var ports = service.Obj("spec").Arr("ports") ?? [];
        return ports.Count == 0 ? "<none>" : string.Join(",", ports.Select(p => $"{p.Long("port")}/{p.Str("protocol") ?? "TCP"}"));
    }

    // An IntOrString field as kubectl prints it: the number or the percentage, N/A when unset.
    private static string IntOrPercent(JsonNode? value) => value switch
    {
        null => "N/A",
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        _ => value.ToJsonString(),
    };
}
