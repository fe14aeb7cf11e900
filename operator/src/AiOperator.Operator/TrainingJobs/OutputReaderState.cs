using k8s.Models;

namespace AiOperator.Operator.TrainingJobs;

/// <summary>What the controller reads from the output reader pod (pure projection of the cached pod).</summary>
internal sealed record OutputReaderState
{
    public required string Name { get; init; }

    /// <summary>The pod's phase: Pending, Running, Succeeded or Failed.</summary>
    public required string Phase { get; init; }

    public bool Terminating { get; init; }

    public int? ExitCode { get; init; }

    public string? TerminationMessage { get; init; }

    public string? UnschedulableMessage { get; init; }

    public DateTime? CreatedAt { get; init; }

    public bool Finished => Phase is "Succeeded" or "Failed";

    public static OutputReaderState From(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var scheduled = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        var container = pod.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == TrainingJobChildren.OutputReaderContainerName)
            ?? pod.Status?.ContainerStatuses?.FirstOrDefault();
        var terminated = container?.State?.Terminated;
        return new OutputReaderState
        {
            Name = pod.Metadata.Name,
            Phase = pod.Status?.Phase ?? "Pending",
            Terminating = pod.Metadata.DeletionTimestamp is not null,
            ExitCode = terminated?.ExitCode,
            TerminationMessage = terminated?.Message,
            UnschedulableMessage = scheduled is { Status: "False" } ? scheduled.Message : null,
            CreatedAt = pod.Metadata.CreationTimestamp,
        };
    }
}
