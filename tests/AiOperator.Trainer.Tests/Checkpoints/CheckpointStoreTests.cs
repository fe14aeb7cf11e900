using AiOperator.Trainer.Checkpoints;
using AiOperator.Trainer.Network;
using AiOperator.Trainer.Tests.Support;
using AiOperator.Trainer.Training;
using Xunit;

namespace AiOperator.Trainer.Tests.Checkpoints;

public sealed class CheckpointStoreTests
{
    private static readonly Hyperparameters H = new(1, 0.001, 0.01);

    [Fact]
    public void A_saved_state_loads_back_exactly()
    {
        using var dir = new TempDirectory();
        var store = new CheckpointStore(dir.Path, H);
        var state = new TrainingState(120, Mlp.Initialize(1), Mlp.Initialize(2), Mlp.Initialize(3).Select(Math.Abs).ToArray());

        Assert.Null(store.TryLoad());
        store.Save(state);
        var loaded = store.TryLoad()!;

        Assert.Equal(120, loaded.Step);
        Assert.Equal(state.Parameters, loaded.Parameters);
        Assert.Equal(state.FirstMoment, loaded.FirstMoment);
        Assert.Equal(state.SecondMoment, loaded.SecondMoment);
    }

    [Fact]
    public void Saving_replaces_the_file_and_leaves_no_temporary_behind()
    {
        using var dir = new TempDirectory();
        var store = new CheckpointStore(Path.Combine(dir.Path, "nested"), H);

        store.Save(TrainingState.Fresh(Mlp.Initialize(1)) with { Step = 10 });
        store.Save(TrainingState.Fresh(Mlp.Initialize(1)) with { Step = 20 });

        Assert.Equal(20, store.TryLoad()!.Step);
        Assert.Equal([CheckpointStore.FileName], Directory.GetFiles(Path.Combine(dir.Path, "nested")).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(2, 0.001, 0.01, "--seed 1, this run has 2")]
    [InlineData(1, 0.01, 0.01, "--learning-rate 0.001, this run has 0.01")]
    [InlineData(1, 0.001, 0, "--weight-decay 0.01, this run has 0")]
    public void A_checkpoint_of_other_hyperparameters_is_refused_naming_the_difference(int seed, double lr, double wd, string expected)
    {
        using var dir = new TempDirectory();
        new CheckpointStore(dir.Path, H).Save(TrainingState.Fresh(Mlp.Initialize(1)));

        var ex = Assert.Throws<CheckpointException>(() => new CheckpointStore(dir.Path, new Hyperparameters(seed, lr, wd)).TryLoad());

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("fresh CHECKPOINT_DIR", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"format\":\"other/v9\"}")]
    [InlineData("{\"format\":\"aiop-trainer/v1\",\"seed\":1,\"learningRate\":0.001,\"weightDecay\":0.01,\"batchSize\":10,\"step\":3,\"parameters\":[1,2]}")]
    public void A_corrupt_checkpoint_is_refused_naming_the_file(string content)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, CheckpointStore.FileName), content);

        var ex = Assert.Throws<CheckpointException>(() => new CheckpointStore(dir.Path, H).TryLoad());

        Assert.Contains(CheckpointStore.FileName, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_oversized_file_is_refused_before_it_is_read()
    {
        using var dir = new TempDirectory();
        using (var f = File.Create(Path.Combine(dir.Path, CheckpointStore.FileName)))
        {
            f.SetLength(CheckpointStore.MaxBytes + 1);
        }

        var ex = Assert.Throws<CheckpointException>(() => new CheckpointStore(dir.Path, H).TryLoad());

        Assert.Contains("limit", ex.Message, StringComparison.Ordinal);
    }
}
