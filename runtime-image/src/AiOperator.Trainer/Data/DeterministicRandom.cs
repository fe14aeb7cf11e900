namespace AiOperator.Trainer.Data;

/// <summary>
/// SplitMix64: the same numbers for the same seed on every platform and .NET version, which every
/// rank and every restart relies on (System.Random's seeded sequence is not a documented contract).
/// </summary>
internal sealed class DeterministicRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A stream for one purpose (data, initial weights, an epoch's order) derived from the run's seed.</summary>
    public static DeterministicRandom For(int seed, ulong purpose, ulong index = 0) =>
        new(Mix(Mix((ulong)seed ^ 0x5EED_0000_0000_0000UL) ^ purpose) ^ index);

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double NextUniform(double min, double max) => min + ((max - min) * NextDouble());

    /// <summary>Standard normal by Box-Muller (one value per call; simplicity over speed).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Uniform in [0, bound) without modulo bias.</summary>
    public int NextInt(int bound)
    {
        var limit = ulong.MaxValue - (ulong.MaxValue % (ulong)bound);
        ulong r;
        do
        {
            r = NextUInt64();
        }
        while (r >= limit);
        return (int)(r % (ulong)bound);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
