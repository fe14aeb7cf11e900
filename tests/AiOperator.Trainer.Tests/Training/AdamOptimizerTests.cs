using AiOperator.Trainer.Training;
using Xunit;

namespace AiOperator.Trainer.Tests.Training;

public sealed class AdamOptimizerTests
{
    private static readonly Hyperparameters H = new(1, LearningRate: 0.001, WeightDecay: 0.01);

    [Fact]
    public void The_first_step_moves_every_parameter_by_the_learning_rate_against_its_gradient()
    {
        // With bias correction Adam's first update is lr * g / |g| (up to epsilon), whatever |g| is.
        var state = TrainingState.Fresh([1.0, -2.0, 0.5]);

        var next = AdamOptimizer.Step(state, [0.5, -3.0, 1e-3], H);

        Assert.Equal(1, next.Step);
        Assert.Equal(1.0 - 0.001, next.Parameters[0], 1e-8);
        Assert.Equal(-2.0 + 0.001, next.Parameters[1], 1e-8);
        Assert.Equal(0.5 - 0.001, next.Parameters[2], 1e-7);
    }

    [Fact]
    public void Weight_decay_is_l2_added_to_the_gradient_so_a_zero_gradient_still_shrinks_weights()
    {
        var next = AdamOptimizer.Step(TrainingState.Fresh([2.0, -2.0, 0.0]), [0, 0, 0], H);

        Assert.Equal(2.0 - 0.001, next.Parameters[0], 1e-8);
        Assert.Equal(-2.0 + 0.001, next.Parameters[1], 1e-8);
        Assert.Equal(0.0, next.Parameters[2]);
        Assert.Equal((1 - 0.9) * 0.01 * 2.0, next.FirstMoment[0], 1e-15);                 // m = (1-b1) g
        Assert.Equal((1 - 0.999) * Math.Pow(0.01 * 2.0, 2), next.SecondMoment[0], 1e-15); // v = (1-b2) g^2
    }

    [Fact]
    public void Later_steps_use_the_running_moments()
    {
        var state = TrainingState.Fresh([1.0]);
        state = AdamOptimizer.Step(state, [1.0], H with { WeightDecay = 0 });
        state = AdamOptimizer.Step(state, [-1.0], H with { WeightDecay = 0 });

        // m2 = 0.9*0.1 - 0.1 = -0.01, v2 = 0.999*0.001 + 0.001 = 0.001999; corrections 0.19 and 0.001999.
        var first = 1.0 - (0.001 / (1 + 1e-8));   // epsilon: the first step is a hair short of lr
        var expected = first - (0.001 / 0.19 * -0.01 / ((Math.Sqrt(0.001999) / Math.Sqrt(1 - (0.999 * 0.999))) + 1e-8));
        Assert.Equal(expected, state.Parameters[0], 1e-12);
        Assert.Equal(2, state.Step);
    }
}
