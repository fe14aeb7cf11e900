namespace AiOperator.Trainer.Training;

/// <summary>The trained state and how it does on the validation set.</summary>
internal sealed record TrainingResult(TrainingState State, double ValidationAccuracy, double ValidationLoss, int Epochs, long ResumedFromStep);
