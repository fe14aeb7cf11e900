using AiOperator.Trainer.Tests.Support;
using AiOperator.Trainer.Training;
using Xunit;

namespace AiOperator.Trainer.Tests.Training;

/// <summary>What data-parallel training promises: the gang computes what one process would, and it learns.</summary>
public sealed class TrainingRunTests
{
    // Only the order of additions differs between a 1-rank and an N-rank run (shard sums added in
    // rank order instead of one running sum); over 800 Adam steps that stays far below this.
    private const double Tolerance = 1e-9;

    [Fact]
    public async Task Defaults_reach_at_least_0_9_validation_accuracy()
    {
        var result = await Gang.SoloAsync(epochs: 100);

        Assert.True(result.ValidationAccuracy >= 0.9, $"validation accuracy {result.ValidationAccuracy}");
        Assert.Equal(800, result.State.Step);
        Assert.True(result.ValidationLoss < 0.3, $"validation loss {result.ValidationLoss}");
    }

    [Fact]
    public async Task Two_ranks_give_the_weights_of_one_rank()
    {
        var solo = await Gang.SoloAsync(epochs: 100);
        var gang = await Gang.RunAsync(ranks: 2, epochs: 100);

        foreach (var rank in gang)
        {
            AssertClose(solo.State.Parameters, rank.State.Parameters);
            Assert.Equal(solo.State.Step, rank.State.Step);
            Assert.Equal(solo.ValidationAccuracy, rank.ValidationAccuracy);
        }

        // Every rank took the identical step, so the copies never drifted apart at all.
        Assert.Equal(gang[0].State.Parameters, gang[1].State.Parameters);
    }

    [Fact]
    public async Task Uneven_shards_are_weighted_by_their_size()
    {
        // 3 ranks cut each mini-batch of 10 into 3 + 3 + 4: a plain average of shard means would be wrong.
        var solo = await Gang.SoloAsync(epochs: 20);
        var gang = await Gang.RunAsync(ranks: 3, epochs: 20);

        AssertClose(solo.State.Parameters, gang[2].State.Parameters);
    }

    [Fact]
    public async Task Ranks_outnumbering_a_batch_leave_some_ranks_idle_and_still_agree()
    {
        var solo = await Gang.SoloAsync(epochs: 2);
        var gang = await Gang.RunAsync(ranks: 12, epochs: 2);

        AssertClose(solo.State.Parameters, gang[11].State.Parameters);
    }

    [Fact]
    public async Task Other_hyperparameters_train_other_weights()
    {
        var a = await Gang.SoloAsync(epochs: 5);
        var b = await Gang.SoloAsync(epochs: 5, h: Gang.Defaults with { LearningRate = 0.01 });
        var c = await Gang.SoloAsync(epochs: 5, h: Gang.Defaults with { Seed = 2 });

        Assert.NotEqual(a.State.Parameters, b.State.Parameters);
        Assert.NotEqual(a.State.Parameters, c.State.Parameters);
    }

    internal static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"parameter {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
