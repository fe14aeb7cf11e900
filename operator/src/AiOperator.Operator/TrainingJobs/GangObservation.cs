using AiOperator.Api.V1Alpha1;

namespace AiOperator.Operator.TrainingJobs;

/// <summary>What a reconcile saw: the job, its worker pods (every gang), ranks of the current gang this
/// operator created but the cache has not shown yet, the output reader pod if there is one, and a create
/// for the current gang that was refused or held back (<see cref="GangCreateRefusal"/>), and the hash of the spec
/// the workers would be made from now (<see cref="TrainingJobChildren.TemplateHash"/>; null: not compared).</summary>
internal sealed record GangObservation(
    TrainingJob Job, IReadOnlyList<WorkerState> Workers, IReadOnlySet<int> CreatesInFlight, OutputReaderState? Reader = null, GangCreateRefusal? CreateRefused = null,
    string? TemplateHash = null);
