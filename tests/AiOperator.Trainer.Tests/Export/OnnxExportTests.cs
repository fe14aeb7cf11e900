using AiOperator.Trainer.Data;
using AiOperator.Trainer.Export;
using AiOperator.Trainer.Network;
using AiOperator.Trainer.Tests.Support;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;

namespace AiOperator.Trainer.Tests.Export;

/// <summary>The exported model loads in ONNX Runtime (the model server's runtime) and predicts what the trainer predicts.</summary>
public sealed class OnnxExportTests
{
    [Fact]
    public async Task The_model_loads_in_onnx_runtime_and_matches_the_trainers_forward_pass()
    {
        var trained = await Gang.SoloAsync(epochs: 100);
        var data = TwoBlobs.Generate(1);
        var samples = data.Validation.Concat(data.Train).ToArray();

        using var session = new InferenceSession(OnnxExport.Build(trained.State.Parameters, trained.State.Step));
        var input = new DenseTensor<float>(samples.SelectMany(s => new[] { (float)s.X0, (float)s.X1 }).ToArray(), [samples.Length, 2]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, input)]);
        var probabilities = results.Single(r => r.Name == OnnxExport.OutputName).AsTensor<float>();

        Assert.Equal([samples.Length, 2], probabilities.Dimensions.ToArray());
        var correct = 0;
        for (var i = 0; i < samples.Length; i++)
        {
            var (p0, p1) = Mlp.Predict(trained.State.Parameters, samples[i]);
            // float32 weights in the model, doubles in the trainer: close, not identical.
            Assert.Equal(p0, probabilities[i, 0], 1e-5);
            Assert.Equal(p1, probabilities[i, 1], 1e-5);
            Assert.Equal(p1 > p0, probabilities[i, 1] > probabilities[i, 0]);
            correct += (probabilities[i, 1] > probabilities[i, 0] ? 1 : 0) == samples[i].Label && i < data.Validation.Count ? 1 : 0;
        }

        Assert.Equal(trained.ValidationAccuracy, (double)correct / data.Validation.Count);
    }

    [Fact]
    public void Inputs_and_outputs_have_the_documented_names_and_a_symbolic_batch()
    {
        using var session = new InferenceSession(OnnxExport.Build(Mlp.Initialize(1), 0));

        var input = Assert.Single(session.InputMetadata);
        Assert.Equal("input", input.Key);
        Assert.Equal(typeof(float), input.Value.ElementType);
        Assert.Equal([-1, 2], input.Value.Dimensions);
        Assert.Equal("batch", input.Value.SymbolicDimensions[0]);
        var output = Assert.Single(session.OutputMetadata);
        Assert.Equal("probabilities", output.Key);
        Assert.Equal([-1, 2], output.Value.Dimensions);
        Assert.Equal("aiop-trainer", session.ModelMetadata.ProducerName);
    }

    [Fact]
    public void Rows_of_probabilities_sum_to_one()
    {
        using var session = new InferenceSession(OnnxExport.Build(Mlp.Initialize(3), 0));
        var input = new DenseTensor<float>(new float[] { 5, -3, 0, 0, -100, 100 }, [3, 2]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
        var p = results[0].AsTensor<float>();

        for (var row = 0; row < 3; row++)
        {
            Assert.Equal(1f, p[row, 0] + p[row, 1], 1e-6f);
        }
    }

    [Fact]
    public void The_same_weights_give_the_same_bytes()
    {
        var parameters = Mlp.Initialize(5);

        Assert.Equal(OnnxExport.Build(parameters, 7), OnnxExport.Build(parameters, 7));
        Assert.Throws<ArgumentException>(() => OnnxExport.Build(new double[3], 0));
    }
}
