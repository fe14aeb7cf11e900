using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;

namespace AiOperator.LocalCluster.ApiServer.Admission;

/// <summary>
/// The Pod Security Standards' checks over a pod spec (pure), in the words of the PodSecurity admission
/// plugin: each failed check is "reason (detail)", e.g. <c>allowPrivilegeEscalation != false (container "c"
/// must set securityContext.allowPrivilegeEscalation=false)</c>. Restricted includes baseline, with its own
/// stricter capabilities and seccomp checks in place of baseline's.
/// </summary>
internal static class PodSecurityChecks
{
    private static readonly HashSet<string> BaselineCapabilities = new(StringComparer.Ordinal)
    {
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
        "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    };

    private static readonly HashSet<string> SafeSysctls = new(StringComparer.Ordinal)
    {
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
    };

    private static readonly HashSet<string> RestrictedVolumeSources = new(StringComparer.Ordinal)
    {
        "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret",
    };

    private static readonly HashSet<string> BaselineSeLinuxTypes = new(StringComparer.Ordinal)
    {
        "", "container_t", "container_init_t", "container_kvm_t", "container_engine_t",
    };

    private static readonly string[] ContainerLists = ["initContainers", "containers", "ephemeralContainers"];
    private static readonly string[] HostNamespaces = ["hostNetwork", "hostPID", "hostIPC"];

    public static IReadOnlyList<string> Evaluate(JsonObject? spec, PodSecurityLevel level)
    {
        var failures = new List<string>();
        if (level == PodSecurityLevel.Privileged || spec is null)
        {
            return failures;
        }

        var pod = spec.Obj("securityContext");
        var containers = ContainerLists
            .SelectMany(list => spec.Arr(list) ?? [])
            .OfType<JsonObject>()
            .Select(c => (Name: c.Str("name") ?? "", Context: c.Obj("securityContext"), Container: c))
            .ToList();
        var restricted = level == PodSecurityLevel.Restricted;

        // Baseline.
        var hostProcess = containers.Where(c => JsonTree.IsTrue(c.Context.Obj("windowsOptions")?["hostProcess"])).Select(c => c.Name).ToList();
        if (JsonTree.IsTrue(pod.Obj("windowsOptions")?["hostProcess"]) || hostProcess.Count > 0)
        {
            Add(failures, "hostProcess", hostProcess.Count > 0 ? $"{Containers(hostProcess)} must not set securityContext.windowsOptions.hostProcess=true" : "pod must not set securityContext.windowsOptions.hostProcess=true");
        }

        var namespaces = HostNamespaces.Where(f => JsonTree.IsTrue(spec[f])).Select(f => f + "=true").ToList();
        if (namespaces.Count > 0)
        {
            Add(failures, "host namespaces", string.Join(", ", namespaces));
        }

        var privileged = containers.Where(c => JsonTree.IsTrue(c.Context?["privileged"])).Select(c => c.Name).ToList();
        if (privileged.Count > 0)
        {
            Add(failures, "privileged", $"{Containers(privileged)} must not set securityContext.privileged=true");
        }

        if (!restricted)
        {
            var added = containers
                .Select(c => (c.Name, Bad: Strings(c.Context.Obj("capabilities").Arr("add")).Where(a => !BaselineCapabilities.Contains(a)).ToList()))
                .Where(c => c.Bad.Count > 0)
                .Select(c => $"{Containers([c.Name])} must not include {Quoted(c.Bad)} in securityContext.capabilities.add")
                .ToList();
            if (added.Count > 0)
            {
                Add(failures, "non-default capabilities", string.Join("; ", added));
            }
        }

        var hostPaths = (spec.Arr("volumes") ?? []).OfType<JsonObject>().Where(v => v["hostPath"] is not null).Select(v => v.Str("name") ?? "").ToList();
        if (hostPaths.Count > 0)
        {
            Add(failures, "hostPath volumes", $"{(hostPaths.Count == 1 ? "volume" : "volumes")} {Quoted(hostPaths)}");
        }

        var hostPorts = containers
            .Select(c => (c.Name, Ports: (c.Container.Arr("ports") ?? []).Select(p => p.Long("hostPort") ?? 0).Where(p => p != 0).ToList()))
            .Where(c => c.Ports.Count > 0)
            .Select(c => $"{Containers([c.Name])} uses {(c.Ports.Count == 1 ? "hostPort" : "hostPorts")} {string.Join(", ", c.Ports)}")
            .ToList();
        if (hostPorts.Count > 0)
        {
            Add(failures, "hostPort", string.Join("; ", hostPorts));
        }

        var unconfinedArmor = containers.Where(c => c.Context.Obj("appArmorProfile").Str("type") == "Unconfined").Select(c => c.Name).ToList();
        if (pod.Obj("appArmorProfile").Str("type") == "Unconfined" || unconfinedArmor.Count > 0)
        {
            Add(failures, "forbidden AppArmor profile", "\"Unconfined\"");
        }

        if (new[] { pod }.Concat(containers.Select(c => c.Context)).Any(BadSeLinux))
        {
            Add(failures, "seLinuxOptions", "the pod or its containers set forbidden securityContext.seLinuxOptions");
        }

        var procMounts = containers.Where(c => c.Context.Str("procMount") is { } m && m != "Default").Select(c => $"{Containers([c.Name])} must not set securityContext.procMount to \"{c.Context.Str("procMount")}\"").ToList();
        if (procMounts.Count > 0)
        {
            Add(failures, "procMount", string.Join("; ", procMounts));
        }

        if (!restricted)
        {
            var unconfined = containers.Where(c => c.Context.Obj("seccompProfile").Str("type") == "Unconfined").Select(c => c.Name).ToList();
            var podUnconfined = pod.Obj("seccompProfile").Str("type") == "Unconfined";
            if (podUnconfined || unconfined.Count > 0)
            {
                var details = new List<string>();
                if (podUnconfined)
                {
                    details.Add("pod must not set securityContext.seccompProfile.type to \"Unconfined\"");
                }

                if (unconfined.Count > 0)
                {
                    details.Add($"{Containers(unconfined)} must not set securityContext.seccompProfile.type to \"Unconfined\"");
                }

                Add(failures, "seccompProfile", string.Join("; ", details));
            }
        }

        var sysctls = (pod.Arr("sysctls") ?? []).Select(s => s.Str("name") ?? "").Where(n => !SafeSysctls.Contains(n)).ToList();
        if (sysctls.Count > 0)
        {
            Add(failures, "forbidden sysctls", string.Join(", ", sysctls));
        }

        if (restricted)
        {
            Restricted(failures, spec, pod, containers);
        }

        return failures;
    }

    private static void Restricted(List<string> failures, JsonObject spec, JsonObject? pod, List<(string Name, JsonObject? Context, JsonObject Container)> containers)
    {
        var volumes = (spec.Arr("volumes") ?? []).OfType<JsonObject>()
            .Select(v => (Name: v.Str("name") ?? "", Source: v.Select(p => p.Key).FirstOrDefault(k => k != "name") ?? ""))
            .Where(v => v.Source.Length > 0 && !RestrictedVolumeSources.Contains(v.Source))
            .Select(v => $"volume \"{v.Name}\" uses restricted volume type \"{v.Source}\"")
            .ToList();
        if (volumes.Count > 0)
        {
            Add(failures, "restricted volume types", string.Join("; ", volumes));
        }

        var escalating = containers.Where(c => c.Context?["allowPrivilegeEscalation"]?.GetValueKind() != System.Text.Json.JsonValueKind.False).Select(c => c.Name).ToList();
        if (escalating.Count > 0)
        {
            Add(failures, "allowPrivilegeEscalation != false", $"{Containers(escalating)} must set securityContext.allowPrivilegeEscalation=false");
        }

        var podNonRoot = pod?["runAsNonRoot"]?.GetValueKind();
        var explicitRoot = containers.Where(c => c.Context?["runAsNonRoot"]?.GetValueKind() == System.Text.Json.JsonValueKind.False).Select(c => c.Name).ToList();
        var unset = podNonRoot == System.Text.Json.JsonValueKind.True
            ? []
            : containers.Where(c => c.Context?["runAsNonRoot"] is null).Select(c => c.Name).ToList();
        if (podNonRoot == System.Text.Json.JsonValueKind.False || explicitRoot.Count > 0 || unset.Count > 0)
        {
            var details = new List<string>();
            if (podNonRoot == System.Text.Json.JsonValueKind.False)
            {
                details.Add("pod must not set securityContext.runAsNonRoot=false");
            }

            if (explicitRoot.Count > 0)
            {
                details.Add($"{Containers(explicitRoot)} must not set securityContext.runAsNonRoot=false");
            }

            if (unset.Count > 0)
            {
                details.Add($"pod or {Containers(unset)} must set securityContext.runAsNonRoot=true");
            }

            Add(failures, "runAsNonRoot != true", string.Join("; ", details));
        }

        var rootUsers = containers.Where(c => c.Context.Long("runAsUser") == 0).Select(c => c.Name).ToList();
        if (pod.Long("runAsUser") == 0 || rootUsers.Count > 0)
        {
            Add(failures, "runAsUser=0", pod.Long("runAsUser") == 0 ? "pod must not set runAsUser=0" : $"{Containers(rootUsers)} must not set runAsUser=0");
        }

        static bool Confined(string? type) => type is "RuntimeDefault" or "Localhost";
        var podSeccomp = pod.Obj("seccompProfile").Str("type");
        var badSeccomp = containers
            .Where(c => c.Context.Obj("seccompProfile").Str("type") is { } t ? !Confined(t) : !Confined(podSeccomp))
            .Select(c => c.Name).ToList();
        if ((podSeccomp is not null && !Confined(podSeccomp)) || badSeccomp.Count > 0)
        {
            var detail = podSeccomp is not null && !Confined(podSeccomp)
                ? $"pod must not set securityContext.seccompProfile.type to \"{podSeccomp}\""
                : $"{(Confined(podSeccomp) ? "" : "pod or ")}{Containers(badSeccomp)} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"";
            Add(failures, "seccompProfile", detail);
        }

        var capabilities = new List<string>();
        var notDropped = containers.Where(c => !Strings(c.Context.Obj("capabilities").Arr("drop")).Contains("ALL")).Select(c => c.Name).ToList();
        if (notDropped.Count > 0)
        {
            capabilities.Add($"{Containers(notDropped)} must set securityContext.capabilities.drop=[\"ALL\"]");
        }

        capabilities.AddRange(containers
            .Select(c => (c.Name, Bad: Strings(c.Context.Obj("capabilities").Arr("add")).Where(a => a != "NET_BIND_SERVICE").ToList()))
            .Where(c => c.Bad.Count > 0)
            .Select(c => $"{Containers([c.Name])} must not include {Quoted(c.Bad)} in securityContext.capabilities.add"));
        if (capabilities.Count > 0)
        {
            Add(failures, "unrestricted capabilities", string.Join("; ", capabilities));
        }
    }

    private static bool BadSeLinux(JsonObject? context) =>
        context.Obj("seLinuxOptions") is { } options
        && (!BaselineSeLinuxTypes.Contains(options.Str("type") ?? "") || !string.IsNullOrEmpty(options.Str("user")) || !string.IsNullOrEmpty(options.Str("role")));

    private static void Add(List<string> failures, string reason, string detail) => failures.Add($"{reason} ({detail})");

    private static string Containers(List<string> names) => $"{(names.Count == 1 ? "container" : "containers")} {Quoted(names)}";

    private static string Quoted(IEnumerable<string> values) => string.Join(", ", values.Select(v => $"\"{v}\""));

    private static IEnumerable<string> Strings(JsonArray? values) => (values ?? []).Select(JsonTree.AsString).OfType<string>();
}
