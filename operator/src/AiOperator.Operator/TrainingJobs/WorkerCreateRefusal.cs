using AiOperator.Operator.Status;

namespace AiOperator.Operator.TrainingJobs;

/// <summary>A worker pod of gang <paramref name="Gang"/> that the API server refused to create: the pod is
/// missing because it was never made, which is no worker failure and spends no restart.</summary>
internal sealed record WorkerCreateRefusal(int Gang, string Pod, ChildWriteFailure Failure);
