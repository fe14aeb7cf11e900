using AiOperator.Trainer.Data;

namespace AiOperator.Trainer.Training;

/// <summary>
/// Which samples a step uses and which of them a rank computes. The order of an epoch comes from the
/// seed and the epoch number alone, so a run resumed at any step sees the same batches as one that
/// never stopped. A mini-batch is cut into contiguous shards, rank r taking
/// [r*n/ranks, (r+1)*n/ranks): sizes differ by at most one and may be 0 when ranks outnumber samples.
/// </summary>
internal sealed class BatchSchedule(IReadOnlyList<Sample> train, int seed)
{
    private const ulong Purpose = 0x5AFF1E;
    private int _cachedEpoch = -1;
    private int[] _order = [];

    public int BatchesPerEpoch { get; } = (train.Count + Hyperparameters.BatchSize - 1) / Hyperparameters.BatchSize;

    public IReadOnlyList<Sample> Shard(long step, int rank, int ranks)
    {
        var epoch = (int)(step / BatchesPerEpoch);
        var batch = (int)(step % BatchesPerEpoch);
        var order = Order(epoch);
        var start = batch * Hyperparameters.BatchSize;
        var size = Math.Min(Hyperparameters.BatchSize, train.Count - start);
        var from = start + (int)((long)rank * size / ranks);
        var to = start + (int)((long)(rank + 1) * size / ranks);
        var shard = new Sample[to - from];
        for (var i = from; i < to; i++)
        {
            shard[i - from] = train[order[i]];
        }

        return shard;
    }

    // Fisher-Yates from a stream seeded by (seed, epoch).
    private int[] Order(int epoch)
    {
        if (epoch != _cachedEpoch)
        {
            var random = DeterministicRandom.For(seed, Purpose, (ulong)epoch);
            var order = Enumerable.Range(0, train.Count).ToArray();
            for (var i = order.Length - 1; i > 0; i--)
            {
                var j = random.NextInt(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }

            _order = order;
            _cachedEpoch = epoch;
        }

        return _order;
    }
}
