using AiOperator.Trainer.Data;
using AiOperator.Trainer.Network;
using Xunit;

namespace AiOperator.Trainer.Tests.Network;

public sealed class MlpTests
{
    [Fact]
    public void The_gradient_matches_finite_differences_of_the_loss()
    {
        var p = Mlp.Initialize(7);
        var samples = TwoBlobs.Generate(7).Train.Take(10).ToArray();
        var gradient = new double[Mlp.ParameterCount];
        Mlp.AccumulateGradient(p, samples, gradient);

        const double h = 1e-6;
        for (var i = 0; i < Mlp.ParameterCount; i++)
        {
            var plus = (double[])p.Clone();
            var minus = (double[])p.Clone();
            plus[i] += h;
            minus[i] -= h;
            var numeric = (Loss(plus, samples) - Loss(minus, samples)) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[i]) < 1e-6, $"parameter {i}: analytic {gradient[i]}, numeric {numeric}");
        }
    }

    [Fact]
    public void Gradients_of_two_halves_add_up_to_the_gradient_of_the_whole()
    {
        var p = Mlp.Initialize(3);
        var samples = TwoBlobs.Generate(3).Train.Take(10).ToArray();
        var whole = new double[Mlp.ParameterCount];
        var halves = new double[Mlp.ParameterCount];

        var wholeLoss = Mlp.AccumulateGradient(p, samples, whole);
        var halvesLoss = Mlp.AccumulateGradient(p, samples[..4], halves) + Mlp.AccumulateGradient(p, samples[4..], halves);

        Assert.Equal(wholeLoss, halvesLoss, 1e-12);
        for (var i = 0; i < whole.Length; i++)
        {
            Assert.Equal(whole[i], halves[i], 1e-12);
        }
    }

    [Fact]
    public void Predictions_are_probabilities_and_evaluation_counts_argmax()
    {
        var p = new double[Mlp.ParameterCount];
        p[Mlp.B2 + 1] = 1;   // every sample: class 1 more likely
        var (p0, p1) = Mlp.Predict(p, new Sample(0.3, -0.2, 0));

        Assert.Equal(1, p0 + p1, 1e-12);
        Assert.Equal(1 / (1 + Math.Exp(-1)), p1, 1e-12);
        var (loss, accuracy) = Mlp.Evaluate(p, [new Sample(0, 0, 1), new Sample(0, 0, 0), new Sample(1, 1, 1), new Sample(2, 2, 1)]);
        Assert.Equal(0.75, accuracy);
        Assert.Equal(((3 * -Math.Log(p1)) - Math.Log(p0)) / 4, loss, 1e-12);
    }

    [Fact]
    public void Initial_weights_come_from_the_seed_within_pytorchs_bounds()
    {
        var a = Mlp.Initialize(1);

        Assert.Equal(a, Mlp.Initialize(1));
        Assert.NotEqual(a, Mlp.Initialize(2));
        Assert.All(a[Mlp.W1..Mlp.W2], w => Assert.InRange(w, -1 / Math.Sqrt(2), 1 / Math.Sqrt(2)));
        Assert.All(a[Mlp.W2..], w => Assert.InRange(w, -1 / Math.Sqrt(5), 1 / Math.Sqrt(5)));
    }

    private static double Loss(double[] p, Sample[] samples) => Mlp.AccumulateGradient(p, samples, new double[Mlp.ParameterCount]);
}
