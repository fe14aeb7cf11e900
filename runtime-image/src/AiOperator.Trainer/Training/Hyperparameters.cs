using System.Globalization;

namespace AiOperator.Trainer.Training;

/// <summary>What decides the numbers a run produces; a checkpoint is only resumed under the same ones.</summary>
internal sealed record Hyperparameters(int Seed, double LearningRate, double WeightDecay)
{
    public const int BatchSize = 10;
    public const double Beta1 = 0.9;
    public const double Beta2 = 0.999;
    public const double Epsilon = 1e-8;

    /// <summary>Compared at the rendezvous: ranks that would compute different things must not form a gang.</summary>
    public string Fingerprint => string.Create(CultureInfo.InvariantCulture,
        $"two-blobs-100 2-5-2 seed={Seed} lr={LearningRate:R} wd={WeightDecay:R} batch={BatchSize}");
}
