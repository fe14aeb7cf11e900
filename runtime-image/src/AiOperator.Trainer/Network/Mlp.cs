using AiOperator.Trainer.Data;

namespace AiOperator.Trainer.Network;

/// <summary>
/// The network: 2 inputs -> 5 ReLU units -> 2 logits -> softmax, with cross-entropy loss. Parameters
/// are one flat double array laid out as the ONNX Gemm initializers are: W1 [2,5] row-major, b1 [5],
/// W2 [5,2] row-major, b2 [2]. Doubles throughout, so that summation order is the only source of
/// difference between a 1-rank and an N-rank run.
/// </summary>
internal static class Mlp
{
    public const int Inputs = 2;
    public const int Hidden = 5;
    public const int Classes = 2;
    public const int W1 = 0;
    public const int B1 = W1 + (Inputs * Hidden);
    public const int W2 = B1 + Hidden;
    public const int B2 = W2 + (Hidden * Classes);
    public const int ParameterCount = B2 + Classes;

    /// <summary>PyTorch's nn.Linear default: weights and biases uniform in +-1/sqrt(fan_in).</summary>
    public static double[] Initialize(int seed)
    {
        var random = DeterministicRandom.For(seed, 0x1A17);
        var p = new double[ParameterCount];
        var bound1 = 1 / Math.Sqrt(Inputs);
        var bound2 = 1 / Math.Sqrt(Hidden);
        for (var i = W1; i < W2; i++)
        {
            p[i] = random.NextUniform(-bound1, bound1);
        }

        for (var i = W2; i < ParameterCount; i++)
        {
            p[i] = random.NextUniform(-bound2, bound2);
        }

        return p;
    }

    /// <summary>Class probabilities for one sample.</summary>
    public static (double P0, double P1) Predict(ReadOnlySpan<double> p, Sample sample)
    {
        Span<double> hidden = stackalloc double[Hidden];
        Span<double> logits = stackalloc double[Classes];
        Forward(p, sample, hidden, logits);
        var (p0, p1) = Softmax(logits);
        return (p0, p1);
    }

    /// <summary>
    /// Adds the summed (not averaged) loss gradient of <paramref name="samples"/> into
    /// <paramref name="gradient"/> and returns the summed loss. Sums let ranks with uneven shards
    /// combine exactly: the total divided by the total count is the mini-batch mean.
    /// </summary>
    public static double AccumulateGradient(ReadOnlySpan<double> p, IEnumerable<Sample> samples, Span<double> gradient)
    {
        Span<double> hidden = stackalloc double[Hidden];
        Span<double> logits = stackalloc double[Classes];
        Span<double> dLogits = stackalloc double[Classes];
        var loss = 0.0;
        foreach (var sample in samples)
        {
            Forward(p, sample, hidden, logits);
            var (p0, p1) = Softmax(logits);
            loss += CrossEntropy(logits, sample.Label);
            dLogits[0] = p0 - (sample.Label == 0 ? 1 : 0);
            dLogits[1] = p1 - (sample.Label == 1 ? 1 : 0);
            for (var k = 0; k < Classes; k++)
            {
                gradient[B2 + k] += dLogits[k];
            }

            for (var j = 0; j < Hidden; j++)
            {
                var dHidden = 0.0;
                for (var k = 0; k < Classes; k++)
                {
                    gradient[W2 + (j * Classes) + k] += hidden[j] * dLogits[k];
                    dHidden += p[W2 + (j * Classes) + k] * dLogits[k];
                }

                // ReLU passes the gradient only where the unit was active (hidden holds the activation).
                if (hidden[j] <= 0)
                {
                    continue;
                }

                gradient[B1 + j] += dHidden;
                gradient[W1 + j] += sample.X0 * dHidden;
                gradient[W1 + Hidden + j] += sample.X1 * dHidden;
            }
        }

        return loss;
    }

    /// <summary>Mean cross-entropy and accuracy (argmax, ties to class 0) over a set.</summary>
    public static (double Loss, double Accuracy) Evaluate(ReadOnlySpan<double> p, IReadOnlyList<Sample> samples)
    {
        Span<double> hidden = stackalloc double[Hidden];
        Span<double> logits = stackalloc double[Classes];
        var loss = 0.0;
        var correct = 0;
        foreach (var sample in samples)
        {
            Forward(p, sample, hidden, logits);
            loss += CrossEntropy(logits, sample.Label);
            var predicted = logits[1] > logits[0] ? 1 : 0;
            correct += predicted == sample.Label ? 1 : 0;
        }

        return samples.Count == 0 ? (0, 0) : (loss / samples.Count, (double)correct / samples.Count);
    }

    private static void Forward(ReadOnlySpan<double> p, Sample sample, Span<double> hidden, Span<double> logits)
    {
        for (var j = 0; j < Hidden; j++)
        {
            var z = (sample.X0 * p[W1 + j]) + (sample.X1 * p[W1 + Hidden + j]) + p[B1 + j];
            hidden[j] = z > 0 ? z : 0;
        }

        for (var k = 0; k < Classes; k++)
        {
            var z = p[B2 + k];
            for (var j = 0; j < Hidden; j++)
            {
                z += hidden[j] * p[W2 + (j * Classes) + k];
            }

            logits[k] = z;
        }
    }

    private static (double P0, double P1) Softmax(ReadOnlySpan<double> logits)
    {
        var max = Math.Max(logits[0], logits[1]);
        var e0 = Math.Exp(logits[0] - max);
        var e1 = Math.Exp(logits[1] - max);
        var sum = e0 + e1;
        return (e0 / sum, e1 / sum);
    }

    // -log softmax(z)[label] = logsumexp(z) - z[label], computed without overflow.
    private static double CrossEntropy(ReadOnlySpan<double> logits, int label)
    {
        var max = Math.Max(logits[0], logits[1]);
        var logSumExp = max + Math.Log(Math.Exp(logits[0] - max) + Math.Exp(logits[1] - max));
        return logSumExp - logits[label];
    }
}
