namespace AiOperator.Operator.TrainingJobs;

/// <summary>An Event the reconciler records once the status that goes with it is written.</summary>
internal sealed record PlannedEvent(string Type, string Reason, string Message);
