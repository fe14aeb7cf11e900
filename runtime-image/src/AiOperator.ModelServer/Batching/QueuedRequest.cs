using AiOperator.ModelServer.Protocol;

namespace AiOperator.ModelServer.Batching;

/// <summary>A request in the scheduler: its rows and arrival timestamp, and once queued its batching key (null: runs alone).</summary>
internal sealed record QueuedRequest(InferRequest Request, int Rows, long EnqueuedAt)
{
    /// <summary>Set (under the scheduler's lock) only when the request queues: one that runs at once never needs it.</summary>
    public string? Key { get; set; }

    public TaskCompletionSource<List<InferenceTensor>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
