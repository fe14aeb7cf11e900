using AiOperator.Operator.Status;

namespace AiOperator.Operator.TrainingJobs;

/// <summary>A child that gang <paramref name="Gang"/> needs (a worker pod, or the rendezvous Service its workers
/// find each other through) which the API server refused to create or which another owner holds. Its workers are
/// missing because they were never made, which is no worker failure and spends no restart.</summary>
/// <param name="Child">What was refused, as told to people: <c>worker pod ft-worker-0</c>, <c>Service ft-workers</c>.</param>
internal sealed record GangCreateRefusal(int Gang, string Child, ChildWriteFailure Failure);
