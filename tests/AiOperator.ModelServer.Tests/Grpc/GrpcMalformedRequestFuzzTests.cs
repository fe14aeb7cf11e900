using AiOperator.ModelServer.Grpc.Protocol;
using AiOperator.ModelServer.Tests.Support;
using Google.Protobuf;
using Grpc.Core;
using Xunit;

namespace AiOperator.ModelServer.Tests.Grpc;

/// <summary>Thousands of malformed ModelInfer calls: each gets INVALID_ARGUMENT or RESOURCE_EXHAUSTED, and the server keeps serving.</summary>
public sealed class GrpcMalformedRequestFuzzTests
{
    private const int Calls = 1500;
    private static readonly string[] Datatypes = ["BOOL", "UINT8", "INT8", "INT16", "INT32", "INT64", "UINT64", "FP16", "BF16", "FP32", "FP64", "BYTES", "FP8", "", "fp32", "STRING"];

    public static TheoryData<string> Models => new() { "multi_io", "variable_size" };

    private static (string Path, TestTensor[] Inputs) Model(string which) => which == "multi_io"
        ? (TestModels.MultiIo(), [TestTensor.Random("a", "FP32", [2, 4], 1), TestTensor.Random("b", "FP32", [2, 4], 2), TestTensor.Random("c", "INT64", [2, 2], 3)])
        : (TestModels.VariableSize(), [new TestTensor("s", "BYTES", [2, 2], [], ["a", "", "ccc", "dd"]), TestTensor.Random("v", "FP32", [1, 5], 4)]);

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Malformed_infer_calls_get_invalid_argument_or_resource_exhausted_and_the_server_stays_up(string which)
    {
        var (path, inputs) = Model(which);
        await using var server = await RunningServer.StartAsync(RunningServer.For(path) with { MaxRequestBytes = 64 * 1024 });
        using var channel = GrpcOip.Channel(server.GrpcPort);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var failures = new List<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Calls), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (seed, ct) =>
        {
            var random = new Random(seed);
            var (request, kind) = Mutate(inputs, random);
            string? failure = null;
            try
            {
                await client.ModelInferAsync(request, cancellationToken: ct);
                failure = "succeeded";
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.InvalidArgument or StatusCode.ResourceExhausted && ex.Status.Detail.Length > 0)
            {
            }
            catch (RpcException ex)
            {
                failure = $"{ex.StatusCode}: {ex.Status.Detail}";
            }

            if (failure is not null)
            {
                lock (failures)
                {
                    failures.Add($"seed {seed} ({kind}): {failure}");
                }
            }
        });

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
        Assert.True((await client.ServerReadyAsync(new ServerReadyRequest())).Ready);
        var outputs = GrpcOip.Outputs(await client.ModelInferAsync(GrpcOip.Request("m", inputs, raw: true)));
        var expected = ReferenceRuntime.Run(path, inputs);
        for (var i = 0; i < expected.Count; i++)
        {
            expected[i].AssertEqual(outputs[i]);
        }

        Assert.Equal(0, PrometheusText.Value(await PrometheusText.ScrapeAsync(server.Client), "aiop_inflight_requests"));
    }

    /// <summary>A request broken in one way that always makes it invalid.</summary>
    private static (ModelInferRequest Request, string Kind) Mutate(TestTensor[] inputs, Random random)
    {
        var raw = random.Next(2) == 0;
        var r = GrpcOip.Request("m", inputs, raw);
        var k = random.Next(r.Inputs.Count);
        var input = r.Inputs[k];
        var count = inputs[k].Count;
        switch (random.Next(11))
        {
            case 0:
            {
                // A shape whose element count differs from the data's (or a negative / overflowing one).
                var rank = random.Next(4) == 0 ? random.Next(0, 5) : input.Shape.Count;
                input.Shape.Clear();
                for (var d = 0; d < rank; d++)
                {
                    input.Shape.Add(random.Next(6) switch
                    {
                        0 => -random.Next(1, 100),
                        1 => random.NextInt64(1L << 20, long.MaxValue),
                        _ => random.Next(0, 9),
                    });
                }

                if (input.Shape.Count > 0 && input.Shape.All(d => d >= 0) && input.Shape.Aggregate(1.0, (a, b) => a * b) == count)
                {
                    input.Shape[0]++;
                }

                return (r, "shape");
            }

            case 1:
                input.Datatype = Datatypes.Where(d => d != input.Datatype).ElementAt(random.Next(Datatypes.Length - 1));
                return (r, "datatype");
            case 2 when raw:
            {
                var bytes = r.RawInputContents[k].ToByteArray();
                var length = random.Next(0, bytes.Length * 2 + 8);
                if (length == bytes.Length)
                {
                    length++;
                }

                var resized = new byte[length];
                random.NextBytes(resized);
                bytes.AsSpan(0, Math.Min(bytes.Length, length)).CopyTo(resized);
                r.RawInputContents[k] = ByteString.CopyFrom(resized);
                return (r, "raw size");
            }

            case 2:
            {
                // Typed contents with one element too few or too many, or in another type's field.
                var c = input.Contents;
                var moved = new InferTensorContents();
                if (random.Next(2) == 0)
                {
                    moved.Fp64Contents.AddRange(Enumerable.Repeat(1.0, (int)count));
                    moved.BoolContents.AddRange(Enumerable.Repeat(true, (int)count));
                    input.Contents = input.Datatype == "FP64" ? new InferTensorContents { Int64Contents = { 1 } } : moved;
                    return (r, "typed field");
                }

                if (c.Fp32Contents.Count > 0)
                {
                    c.Fp32Contents.Add(1f);
                }
                else if (c.Int64Contents.Count > 0)
                {
                    c.Int64Contents.RemoveAt(0);
                }
                else
                {
                    c.BytesContents.Add(ByteString.CopyFromUtf8("extra"));
                }

                return (r, "typed count");
            }

            case 3 when raw:
                if (random.Next(2) == 0)
                {
                    r.RawInputContents.RemoveAt(k);
                }
                else
                {
                    r.RawInputContents.Add(ByteString.CopyFrom(new byte[random.Next(0, 64)]));
                }

                return (r, "raw count");
            case 3:
                input.Contents = null;
                return (r, "no contents");
            case 4 when raw:
                input.Contents = GrpcOip.Typed(inputs[k]);
                return (r, "raw and typed");
            case 4:
                r.RawInputContents.Add(ByteString.CopyFrom(inputs[k].Binary()));
                return (r, "one raw entry for many inputs");
            case 5:
                input.Name = random.Next(2) == 0 ? "no_such_" + random.Next(100) : new string('n', random.Next(100, 5000));
                return (r, "input name");
            case 6:
                r.Inputs.Add(input.Clone());
                if (raw)
                {
                    r.RawInputContents.Add(r.RawInputContents[k]);
                }

                return (r, "duplicate input");
            case 7:
                r.Inputs.RemoveAt(k);
                if (raw)
                {
                    r.RawInputContents.RemoveAt(k);
                }

                return (r, "missing input");
            case 8:
                r.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "o" + random.Next(100) });
                return (r, "unknown output");
            case 9:
                input.Parameters["shared_memory_region"] = new InferParameter { StringParam = "region" };
                return (r, "shared memory");
            default:
            {
                // Over --max-request-bytes (64 KiB): otherwise valid, just too large.
                r.Parameters["padding"] = new InferParameter { StringParam = new string('p', 70_000 + random.Next(100_000)) };
                return (r, "oversize");
            }
        }
    }
}
