using AiOperator.ModelServer.Protocol;

namespace AiOperator.ModelServer.Batching;

/// <summary>A request waiting in the scheduler: its batching key (null: runs alone), rows and arrival timestamp.</summary>
internal sealed record QueuedRequest(InferRequest Request, string? Key, int Rows, long EnqueuedAt)
{
    public TaskCompletionSource<List<InferenceTensor>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
