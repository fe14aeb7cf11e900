using AiOperator.Trainer.Data;
using AiOperator.Trainer.Training;
using Xunit;

namespace AiOperator.Trainer.Tests.Training;

public sealed class BatchScheduleTests
{
    private static readonly IReadOnlyList<Sample> Train = TwoBlobs.Generate(1).Train;

    [Fact]
    public void An_epoch_visits_every_training_sample_once_in_mini_batches_of_10()
    {
        var schedule = new BatchSchedule(Train, 1);

        Assert.Equal(8, schedule.BatchesPerEpoch);
        var epoch = Enumerable.Range(8, 8).SelectMany(step => schedule.Shard(step, 0, 1)).ToList();
        Assert.Equal(80, epoch.Count);
        Assert.Equal(Train.OrderBy(s => s.X0), epoch.OrderBy(s => s.X0));
    }

    [Theory]
    [InlineData(2, new[] { 5, 5 })]
    [InlineData(3, new[] { 3, 3, 4 })]
    [InlineData(4, new[] { 2, 3, 2, 3 })]
    [InlineData(12, new[] { 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1 })]
    public void Shards_partition_the_mini_batch_in_rank_order(int ranks, int[] sizes)
    {
        var schedule = new BatchSchedule(Train, 1);
        var whole = schedule.Shard(13, 0, 1);

        var shards = Enumerable.Range(0, ranks).Select(r => schedule.Shard(13, r, ranks)).ToList();

        Assert.Equal(sizes, shards.Select(s => s.Count));
        Assert.Equal(whole, shards.SelectMany(s => s));
    }

    [Fact]
    public void Each_epoch_has_its_own_order_that_depends_only_on_seed_and_epoch()
    {
        var a = new BatchSchedule(Train, 1);
        var b = new BatchSchedule(Train, 1);

        _ = b.Shard(50, 0, 1);   // b has moved on to another epoch and comes back
        Assert.Equal(a.Shard(3, 0, 1), b.Shard(3, 0, 1));
        Assert.NotEqual(a.Shard(3, 0, 1), a.Shard(11, 0, 1));
        Assert.NotEqual(a.Shard(3, 0, 1), new BatchSchedule(Train, 2).Shard(3, 0, 1));
    }
}
