namespace AiOperator.ModelServer.Batching;

/// <summary>How the scheduler queues and batches: batching is on only when MaxBatchSize > 1 and the model allows it.</summary>
internal sealed record SchedulerOptions(bool Batching, int MaxBatchSize, TimeSpan MaxQueueDelay, int MaxQueueSize, int Instances);
