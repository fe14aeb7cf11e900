namespace AiOperator.Operator.TrainingJobs;

/// <summary>One decision about the output reader: the step, the report read (Record), why it failed (Fail) and when to look again.</summary>
internal sealed record OutputReaderOutcome(OutputReaderStep Step, TrainerReport? Report = null, string? Failure = null, TimeSpan? RequeueAfter = null);
