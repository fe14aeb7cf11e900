namespace AiOperator.Trainer.Data;

/// <summary>
/// The training data: 100 points from two overlapping Gaussian clouds (standard deviation 0.7,
/// centred on (-1, -1) and (1, 1)), 50 per class, from the seed alone. The overlap keeps the best
/// possible accuracy near 0.98, so accuracy means something without being out of reach.
/// Split: per class the first 40 points train and the last 10 validate (80 / 20, balanced).
/// </summary>
internal static class TwoBlobs
{
    public const int SamplesPerClass = 50;
    public const int ValidationPerClass = 10;
    public const double Spread = 0.7;
    private const ulong Purpose = 0xDA7A;

    public static DataSplit Generate(int seed)
    {
        var random = DeterministicRandom.For(seed, Purpose);
        var train = new List<Sample>(2 * (SamplesPerClass - ValidationPerClass));
        var validation = new List<Sample>(2 * ValidationPerClass);
        for (var label = 0; label < 2; label++)
        {
            var centre = label == 0 ? -1.0 : 1.0;
            for (var i = 0; i < SamplesPerClass; i++)
            {
                var sample = new Sample(centre + (Spread * random.NextGaussian()), centre + (Spread * random.NextGaussian()), label);
                (i < SamplesPerClass - ValidationPerClass ? train : validation).Add(sample);
            }
        }

        return new DataSplit(train, validation);
    }
}
