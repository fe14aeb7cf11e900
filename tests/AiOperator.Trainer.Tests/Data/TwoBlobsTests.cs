using AiOperator.Trainer.Data;
using Xunit;

namespace AiOperator.Trainer.Tests.Data;

public sealed class TwoBlobsTests
{
    [Fact]
    public void One_hundred_samples_split_80_20_with_both_classes_balanced()
    {
        var split = TwoBlobs.Generate(1);

        Assert.Equal(80, split.Train.Count);
        Assert.Equal(20, split.Validation.Count);
        Assert.Equal(40, split.Train.Count(s => s.Label == 0));
        Assert.Equal(10, split.Validation.Count(s => s.Label == 1));
        Assert.Empty(split.Train.Intersect(split.Validation));
    }

    [Fact]
    public void The_seed_alone_decides_the_data()
    {
        Assert.Equal(TwoBlobs.Generate(4).Train, TwoBlobs.Generate(4).Train);
        Assert.NotEqual(TwoBlobs.Generate(4).Train, TwoBlobs.Generate(5).Train);
    }

    [Fact]
    public void Classes_sit_around_their_centres()
    {
        var all = TwoBlobs.Generate(2).Train;

        Assert.InRange(all.Where(s => s.Label == 0).Average(s => s.X0 + s.X1), -2.6, -1.4);
        Assert.InRange(all.Where(s => s.Label == 1).Average(s => s.X0 + s.X1), 1.4, 2.6);
    }

    [Fact]
    public void The_random_stream_is_the_same_on_every_platform()
    {
        // Pinned values: ranks on different machines and restarts must see the same numbers.
        var random = new DeterministicRandom(0);

        Assert.Equal(0xE220A8397B1DCDAFUL, random.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, random.NextUInt64());
        Assert.All(Enumerable.Range(0, 1000).Select(_ => random.NextInt(7)), n => Assert.InRange(n, 0, 6));
    }
}
