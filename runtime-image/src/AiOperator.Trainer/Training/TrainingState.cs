namespace AiOperator.Trainer.Training;

/// <summary>
/// Everything needed to continue a run exactly: the optimizer steps done, the weights and Adam's two
/// moment estimates. It is what a checkpoint holds and what rank 0 hands every rank at the start.
/// </summary>
internal sealed record TrainingState(long Step, double[] Parameters, double[] FirstMoment, double[] SecondMoment)
{
    public static TrainingState Fresh(double[] parameters) =>
        new(0, parameters, new double[parameters.Length], new double[parameters.Length]);
}
