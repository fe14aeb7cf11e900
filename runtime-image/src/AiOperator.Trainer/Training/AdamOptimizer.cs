namespace AiOperator.Trainer.Training;

/// <summary>
/// Adam with L2 weight decay added to the gradient, as torch.optim.Adam(weight_decay=...) does (not
/// AdamW's decoupled decay), applied to every parameter, biases included, as PyTorch does by default.
/// </summary>
internal static class AdamOptimizer
{
    /// <summary>Updates <paramref name="state"/> in place with the mean gradient of one step.</summary>
    public static TrainingState Step(TrainingState state, ReadOnlySpan<double> meanGradient, Hyperparameters h)
    {
        var p = state.Parameters;
        var m = state.FirstMoment;
        var v = state.SecondMoment;
        var t = state.Step + 1;
        var correction1 = 1 - Math.Pow(Hyperparameters.Beta1, t);
        var correction2 = 1 - Math.Pow(Hyperparameters.Beta2, t);
        var stepSize = h.LearningRate / correction1;
        var sqrtCorrection2 = Math.Sqrt(correction2);
        for (var i = 0; i < p.Length; i++)
        {
            var g = meanGradient[i] + (h.WeightDecay * p[i]);
            m[i] = (Hyperparameters.Beta1 * m[i]) + ((1 - Hyperparameters.Beta1) * g);
            v[i] = (Hyperparameters.Beta2 * v[i]) + ((1 - Hyperparameters.Beta2) * g * g);
            var denominator = (Math.Sqrt(v[i]) / sqrtCorrection2) + Hyperparameters.Epsilon;
            p[i] -= stepSize * m[i] / denominator;
        }

        return state with { Step = t };
    }
}
