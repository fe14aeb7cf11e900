using AiOperator.ModelServer.Tests.Support;
using Xunit;

namespace AiOperator.ModelServer.Tests.Hosting;

/// <summary>Every OIP datatype ONNX has, through a real session, in JSON and binary both ways, equals in-process ONNX Runtime bit for bit.</summary>
public sealed class DatatypeRoundTripTests
{
    public static TheoryData<string> Types() => new(TestModels.AllTypes.Select(t => t.Oip));

    [Theory]
    [MemberData(nameof(Types))]
    public async Task Every_datatype_matches_in_process_onnx_runtime(string datatype)
    {
        var onnx = TestModels.AllTypes.Single(t => t.Oip == datatype).Onnx;
        var model = TestModels.Identity(datatype, onnx);
        await using var server = await RunningServer.StartAsync(RunningServer.For(model) with { MaxBatchSize = 1 });
        var input = TestTensor.Random("x", datatype, [4, 3], seed: datatype.Length);
        var expected = ReferenceRuntime.Run(model, [input]).Single();

        foreach (var binaryIn in new[] { false, true })
        {
            foreach (var binaryOut in new[] { false, true })
            {
                var actual = (await OipClient.InferAsync(server.Client, "m", [input], binaryIn, binaryOut)).Single();
                expected.AssertEqual(actual);
            }
        }
    }
}
