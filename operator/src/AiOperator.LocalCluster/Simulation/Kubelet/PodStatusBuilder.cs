using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

// The pod status a real kubelet would report for the given container records: phase, the four
// standard conditions (transition times kept while unchanged) and container statuses.
internal static class PodStatusBuilder
{
    public static V1PodStatus Build(V1Pod pod, IReadOnlyList<ContainerRecord> initContainers, IReadOnlyList<ContainerRecord> containers, string hostIp, string? podIp, DateTimeOffset startTime, DateTimeOffset now)
    {
        var previous = pod.Status;
        var statuses = containers.Select(ToStatus).ToList();
        var initialized = initContainers.All(c => c.Phase == ContainerPhase.Terminated && c.Terminated!.ExitCode == 0);
        var allReady = initialized && containers.Count > 0 && containers.All(c => c.Ready);
        var initFailed = initContainers.Any(c => c.Phase == ContainerPhase.Terminated && c.Terminated!.ExitCode != 0);
        var phase = initFailed ? "Failed" : initialized ? Phase(pod.Spec.RestartPolicy, containers) : "Pending";
        var terminal = phase is "Succeeded" or "Failed";
        var incomplete = $"containers with incomplete status: [{string.Join(' ', initContainers.Where(c => c.Terminated?.ExitCode != 0).Select(c => c.Name))}]";
        var conditions = new List<V1PodCondition>
        {
            Condition("PodReadyToStartContainers", "True"),
            initialized ? Condition("Initialized", "True") : Condition("Initialized", "False", "ContainersNotInitialized", incomplete),
            Condition("Ready", allReady && !terminal ? "True" : "False", allReady ? null : (terminal ? "PodCompleted" : "ContainersNotReady"), allReady || terminal ? null : NotReadyMessage(containers)),
            Condition("ContainersReady", allReady && !terminal ? "True" : "False", allReady ? null : (terminal ? "PodCompleted" : "ContainersNotReady"), allReady || terminal ? null : NotReadyMessage(containers)),
            Condition("PodScheduled", "True"),
        };

        foreach (var condition in conditions)
        {
            var old = previous?.Conditions?.FirstOrDefault(c => c.Type == condition.Type);
            condition.LastTransitionTime = old is not null && old.Status == condition.Status && old.LastTransitionTime is not null ? old.LastTransitionTime : now.UtcDateTime;
        }

        return new V1PodStatus
        {
            Phase = phase,
            Conditions = conditions,
            HostIP = hostIp,
            HostIPs = [new V1HostIP { Ip = hostIp }],
            PodIP = podIp,
            PodIPs = podIp is null ? null : [new V1PodIP { Ip = podIp }],
            StartTime = startTime.UtcDateTime,
            ContainerStatuses = statuses,
            InitContainerStatuses = initContainers.Count == 0 ? null : [.. initContainers.Select(ToStatus)],
            QosClass = previous?.QosClass ?? QosClass(pod),
        };
    }

    public static string Phase(string? restartPolicy, IReadOnlyList<ContainerRecord> containers)
    {
        if (containers.Count == 0)
        {
            return "Pending";
        }

        var everStarted = containers.Any(c => c.StartedAt is not null || c.Terminated is not null || c.RestartCount > 0);
        if (!everStarted)
        {
            return "Pending";
        }

        if (containers.All(c => c.Phase == ContainerPhase.Terminated))
        {
            return containers.All(c => c.Terminated!.ExitCode == 0) ? "Succeeded" : "Failed";
        }

        return "Running";
    }

    public static V1ContainerStatus ToStatus(ContainerRecord record)
    {
        var state = record.Phase switch
        {
            ContainerPhase.Running => new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = record.StartedAt?.UtcDateTime } },
            ContainerPhase.Terminated => new V1ContainerState { Terminated = Terminated(record.Terminated!) },
            _ => new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = record.WaitingReason, Message = record.WaitingMessage } },
        };
        return new V1ContainerStatus
        {
            Name = record.Name,
            Image = record.Image,
            ImageID = ImageId(record.Image),
            ContainerID = record.ContainerId,
            State = state,
            LastState = record.LastTerminated is null ? new V1ContainerState() : new V1ContainerState { Terminated = Terminated(record.LastTerminated) },
            Ready = record.Ready,
            Started = record.Phase == ContainerPhase.Running,
            RestartCount = record.RestartCount,
        };
    }

    // A stable fake digest so imageID looks like what containerd reports.
    public static string ImageId(string image)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(image));
        return $"{ImageReference.Repository(image)}@sha256:{Convert.ToHexStringLower(hash)}";
    }

    private static V1ContainerStateTerminated Terminated(ContainerExit exit) => new()
    {
        ExitCode = exit.ExitCode,
        Reason = exit.Reason,
        Message = string.IsNullOrEmpty(exit.Message) ? null : exit.Message,
        StartedAt = exit.StartedAt.UtcDateTime,
        FinishedAt = exit.FinishedAt.UtcDateTime,
        ContainerID = exit.ContainerId,
    };

    private static string NotReadyMessage(IReadOnlyList<ContainerRecord> containers) =>
        $"containers with unready status: [{string.Join(' ', containers.Where(c => !c.Ready).Select(c => c.Name))}]";

    private static V1PodCondition Condition(string type, string status, string? reason = null, string? message = null) =>
        new() { Type = type, Status = status, Reason = reason, Message = message };

    private static string QosClass(V1Pod pod)
    {
        var containers = pod.Spec.Containers ?? [];
        var any = containers.Any(c => (c.Resources?.Requests?.Count ?? 0) > 0 || (c.Resources?.Limits?.Count ?? 0) > 0);
        if (!any)
        {
            return "BestEffort";
        }

        var guaranteed = containers.All(c =>
            c.Resources?.Limits is { } limits && limits.ContainsKey("cpu") && limits.ContainsKey("memory")
            && (c.Resources.Requests is null || c.Resources.Requests.All(r => limits.TryGetValue(r.Key, out var l) && l.ToDecimal() == r.Value.ToDecimal())));
        return guaranteed ? "Guaranteed" : "Burstable";
    }
}
