using System.Globalization;
using k8s.Models;

namespace AiOperator.Operator.TrainingJobs;

/// <summary>What the controller reads from one worker pod (pure projection of the cached pod, which has no spec).</summary>
internal sealed record WorkerState
{
    public required string Name { get; init; }

    public required int Rank { get; init; }

    public required int Gang { get; init; }

    /// <summary>The pod's phase: Pending, Running, Succeeded or Failed.</summary>
    public required string Phase { get; init; }

    public bool Scheduled { get; init; }

    public bool Terminating { get; init; }

    public string? UnschedulableMessage { get; init; }

    public int? ExitCode { get; init; }

    public int? Signal { get; init; }

    /// <summary>Pod reason (Evicted) or the container's termination reason (OOMKilled, Error, Completed).</summary>
    public string? Reason { get; init; }

    public DateTime? FinishedAt { get; init; }

    public DateTime? CreatedAt { get; init; }

    public string? TerminationMessage { get; init; }

    /// <summary>The spec hash the pod was made from; null for a pod made before workers carried it.</summary>
    public string? TemplateHash { get; init; }

    public bool Finished => Phase is "Succeeded" or "Failed";

    /// <summary>Null for a pod that is not a worker (no rank or gang label).</summary>
    public static WorkerState? From(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var labels = pod.Metadata.Labels;
        if (labels is null
            || !labels.TryGetValue(TrainingJobLabels.Rank, out var rankText) || !int.TryParse(rankText, NumberStyles.None, CultureInfo.InvariantCulture, out var rank)
            || !labels.TryGetValue(TrainingJobLabels.Gang, out var gangText) || !int.TryParse(gangText, NumberStyles.None, CultureInfo.InvariantCulture, out var gang))
        {
            return null;
        }

        var scheduled = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        var container = pod.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == TrainingJobChildren.ContainerName)
            ?? pod.Status?.ContainerStatuses?.FirstOrDefault();
        var terminated = container?.State?.Terminated;
        return new WorkerState
        {
            Name = pod.Metadata.Name,
            Rank = rank,
            Gang = gang,
            Phase = pod.Status?.Phase ?? "Pending",
            // Bound (spec.nodeName) counts: the kubelet may not have reported PodScheduled yet.
            Scheduled = !string.IsNullOrEmpty(pod.Spec?.NodeName) || scheduled?.Status == "True" || container is not null,
            Terminating = pod.Metadata.DeletionTimestamp is not null,
            UnschedulableMessage = scheduled is { Status: "False" } ? scheduled.Message : null,
            ExitCode = terminated?.ExitCode,
            Signal = terminated?.Signal,
            Reason = string.IsNullOrEmpty(pod.Status?.Reason) ? terminated?.Reason : pod.Status.Reason,
            FinishedAt = terminated?.FinishedAt,
            CreatedAt = pod.Metadata.CreationTimestamp,
            TerminationMessage = terminated?.Message,
            TemplateHash = labels.TryGetValue(TrainingJobLabels.TemplateHash, out var hash) ? hash : null,
        };
    }
}
