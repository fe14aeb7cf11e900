using AiOperator.ModelServer.Grpc.Protocol;
using AiOperator.ModelServer.Tests.Support;
using Grpc.Core;
using Xunit;

namespace AiOperator.ModelServer.Tests.Grpc;

/// <summary>
/// Bytes that are not a valid protobuf message at all (what a broken client or a fuzzer sends): INVALID_ARGUMENT
/// naming the message, on every method, and the server keeps serving.
/// </summary>
public sealed class GrpcUnparsableMessageTests
{
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(b => b, b => b);

    private static Method<byte[], byte[]> Unary(string service, string name) => new(MethodType.Unary, service, name, Raw, Raw);

    public static TheoryData<string, string, string> Methods => new()
    {
        { "inference.GRPCInferenceService", "ModelInfer", "inference.ModelInferRequest" },
        { "inference.GRPCInferenceService", "ModelMetadata", "inference.ModelMetadataRequest" },
        { "inference.GRPCInferenceService", "ModelReady", "inference.ModelReadyRequest" },
        { "inference.GRPCInferenceService", "ServerMetadata", "inference.ServerMetadataRequest" },
        { "inference.GRPCInferenceService", "ServerReady", "inference.ServerReadyRequest" },
        { "inference.GRPCInferenceService", "ServerLive", "inference.ServerLiveRequest" },
        { "grpc.health.v1.Health", "Check", "grpc.health.v1.HealthCheckRequest" },
    };

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task Bytes_that_are_not_a_message_are_invalid_argument_naming_it(string service, string method, string message)
    {
        await using var server = await RunningServer.StartAsync(RunningServer.For(TestModels.MultiIo()));
        using var channel = GrpcOip.Channel(server.GrpcPort);
        var invoker = channel.CreateCallInvoker();
        // A varint cut off; an end-group tag with no group open; a field claiming more bytes than follow.
        foreach (var bytes in new byte[][] { [0xFF, 0xFF, 0xFF], [0x0B], [0x0A, 0x05, 0x61, 0x62] })
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () => await invoker.AsyncUnaryCall(Unary(service, method), null, default, bytes));
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.StartsWith($"the request is not a valid {message} message: ", error.Status.Detail, StringComparison.Ordinal);
        }

        Assert.True((await new GRPCInferenceService.GRPCInferenceServiceClient(channel).ServerReadyAsync(new ServerReadyRequest())).Ready);
    }

    [Fact]
    public async Task Random_bytes_to_model_infer_are_refused_as_the_clients_fault_and_the_server_stays_up()
    {
        await using var server = await RunningServer.StartAsync(RunningServer.For(TestModels.MultiIo()) with { MaxRequestBytes = 64 * 1024 });
        using var channel = GrpcOip.Channel(server.GrpcPort);
        var invoker = channel.CreateCallInvoker();
        var infer = Unary("inference.GRPCInferenceService", "ModelInfer");
        var failures = new List<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 1000), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (seed, ct) =>
        {
            var random = new Random(seed);
            var bytes = new byte[random.Next(1, 96)];
            random.NextBytes(bytes);
            try
            {
                await invoker.AsyncUnaryCall(infer, null, new CallOptions(cancellationToken: ct), bytes);
                lock (failures)
                {
                    failures.Add($"seed {seed}: succeeded");
                }
            }
            // Random bytes that happen to parse name no model this server has, or no inputs it accepts.
            catch (RpcException ex) when (ex.StatusCode is StatusCode.InvalidArgument or StatusCode.NotFound && ex.Status.Detail.Length > 0)
            {
            }
            catch (RpcException ex)
            {
                lock (failures)
                {
                    failures.Add($"seed {seed}: {ex.StatusCode}: {ex.Status.Detail}");
                }
            }
        });

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var inputs = new[] { TestTensor.Random("a", "FP32", [2, 4], 1), TestTensor.Random("b", "FP32", [2, 4], 2), TestTensor.Random("c", "INT64", [2, 2], 3) };
        var outputs = GrpcOip.Outputs(await client.ModelInferAsync(GrpcOip.Request("m", inputs, raw: true)));
        var expected = ReferenceRuntime.Run(TestModels.MultiIo(), inputs);
        for (var i = 0; i < expected.Count; i++)
        {
            expected[i].AssertEqual(outputs[i]);
        }
    }
}
