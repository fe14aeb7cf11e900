using AiOperator.ModelServer.Grpc.Protocol;
using AiOperator.ModelServer.Tests.Support;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit;

namespace AiOperator.ModelServer.Tests.Grpc;

/// <summary>The gRPC form of the protocol: health, metadata, infer with typed and raw contents, errors as REST's with gRPC codes.</summary>
public sealed class GrpcProtocolTests : IAsyncLifetime
{
    private RunningServer _server = null!;
    private GrpcChannel _channel = null!;
    private GRPCInferenceService.GRPCInferenceServiceClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await RunningServer.StartAsync(RunningServer.For(TestModels.MultiIo()) with { MaxRequestBytes = 64 * 1024 });
        _channel = GrpcOip.Channel(_server.GrpcPort);
        _client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    private static TestTensor[] Inputs(int rows = 2) =>
        [TestTensor.Random("a", "FP32", [rows, 4], 1), TestTensor.Random("b", "FP32", [rows, 4], 2), TestTensor.Random("c", "INT64", [rows, 2], 3)];

    [Fact]
    public async Task Health_and_metadata_answer_as_the_protocol_defines()
    {
        Assert.True((await _client.ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.True((await _client.ServerReadyAsync(new ServerReadyRequest())).Ready);
        Assert.True((await _client.ModelReadyAsync(new ModelReadyRequest { Name = "m" })).Ready);
        Assert.True((await _client.ModelReadyAsync(new ModelReadyRequest { Name = "m", Version = "1" })).Ready);
        var server = await _client.ServerMetadataAsync(new ServerMetadataRequest());
        Assert.Equal("aiop-model-server", server.Name);
        Assert.Contains("binary_tensor_data", server.Extensions);

        var model = await _client.ModelMetadataAsync(new ModelMetadataRequest { Name = "m" });
        Assert.Equal(["1"], model.Versions);
        Assert.Equal("onnx_onnxv1", model.Platform);
        Assert.Equal(["a:FP32:-1,4", "b:FP32:-1,4", "c:INT64:-1,2"], model.Inputs.Select(i => $"{i.Name}:{i.Datatype}:{string.Join(",", i.Shape)}"));
        Assert.Equal(["sum", "product", "c_twice", "a_double"], model.Outputs.Select(o => o.Name));

        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await _client.ModelMetadataAsync(new ModelMetadataRequest { Name = "nope" }));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Request for unknown model: 'nope' is not found", unknown.Status.Detail);
        var version = await Assert.ThrowsAsync<RpcException>(async () => await _client.ModelReadyAsync(new ModelReadyRequest { Name = "m", Version = "7" }));
        Assert.Equal(StatusCode.NotFound, version.StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Infer_with_raw_or_typed_contents_equals_onnx_runtime_and_answers_in_kind(bool raw)
    {
        var inputs = Inputs();
        var response = await _client.ModelInferAsync(GrpcOip.Request("m", inputs, raw, id: "req-7"));
        Assert.Equal("m", response.ModelName);
        Assert.Equal("1", response.ModelVersion);
        Assert.Equal("req-7", response.Id);
        Assert.Equal(raw ? 4 : 0, response.RawOutputContents.Count);
        Assert.All(response.Outputs, o => Assert.Equal(raw, o.Contents is null));
        var actual = GrpcOip.Outputs(response);
        var expected = ReferenceRuntime.Run(TestModels.MultiIo(), inputs);
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            expected[i].AssertEqual(actual[i]);
        }

        var subset = await _client.ModelInferAsync(GrpcOip.Request("m", inputs, raw, outputs: ["c_twice"]));
        ReferenceRuntime.Run(TestModels.MultiIo(), inputs, ["c_twice"])[0].AssertEqual(GrpcOip.Outputs(subset).Single());
    }

    [Fact]
    public async Task Bytes_tensors_travel_typed_and_raw()
    {
        await using var server = await RunningServer.StartAsync(RunningServer.For(TestModels.Identity("BYTES", OnnxType.String)));
        using var channel = GrpcOip.Channel(server.GrpcPort);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var x = new TestTensor("x", "BYTES", [2, 3], [], ["a", "", "héllo", "\u0000z", "long string here", "6"]);
        foreach (var raw in new[] { true, false })
        {
            var y = GrpcOip.Outputs(await client.ModelInferAsync(GrpcOip.Request("m", [x], raw))).Single();
            Assert.Equal(x.Strings, y.Strings);
        }
    }

    [Fact]
    public async Task Errors_carry_the_rest_messages_with_grpc_codes()
    {
        async Task<RpcException> Fails(ModelInferRequest r) => await Assert.ThrowsAsync<RpcException>(async () => await _client.ModelInferAsync(r));

        var wrongShape = GrpcOip.Request("m", Inputs(), raw: false);
        wrongShape.Inputs[0].Shape[1] = 5;
        var e = await Fails(wrongShape);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("input 'a': shape[1] is 5, but the model expects 4 [-1,4]", e.Status.Detail);

        var unknownType = GrpcOip.Request("m", Inputs(), raw: true);
        unknownType.Inputs[1].Datatype = "FP8";
        e = await Fails(unknownType);
        Assert.Equal((StatusCode.InvalidArgument, "input 'b': unknown datatype 'FP8'"), (e.StatusCode, e.Status.Detail));

        var shortRaw = GrpcOip.Request("m", Inputs(), raw: true);
        shortRaw.RawInputContents[0] = ByteString.CopyFrom(new byte[31]);
        e = await Fails(shortRaw);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("needs 32 bytes of FP32, but the size of its raw_input_contents is 31", e.Status.Detail, StringComparison.Ordinal);

        var countMismatch = GrpcOip.Request("m", Inputs(), raw: false);
        countMismatch.Inputs[2].Contents.Int64Contents.RemoveAt(0);
        e = await Fails(countMismatch);
        Assert.Equal("input 'c': shape [2,2] needs 4 elements, but contents.int64_contents has 3", e.Status.Detail);

        var missing = GrpcOip.Request("m", Inputs(), raw: false);
        missing.Inputs.RemoveAt(1);
        e = await Fails(missing);
        Assert.Equal("expected input 'b' for model 'm' is missing", e.Status.Detail);

        e = await Fails(GrpcOip.Request("nope", Inputs(), raw: true));
        Assert.Equal(StatusCode.NotFound, e.StatusCode);

        // Over --max-request-bytes (64 KiB here): refused by size before it is parsed.
        e = await Fails(GrpcOip.Request("m", Inputs(rows: 3000), raw: true));
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);

        var ok = await _client.ModelInferAsync(GrpcOip.Request("m", Inputs(), raw: true));
        Assert.Equal(4, ok.Outputs.Count);
        var metrics = await PrometheusText.ScrapeAsync(_server.Client);
        // Unknown models (as over REST) and oversize messages (refused by gRPC before the handler) are not counted.
        Assert.Equal(5, PrometheusText.Value(metrics, "aiop_inference_requests_total", "protocol=\"grpc\",result=\"failure\""));
        Assert.Equal(1, PrometheusText.Value(metrics, "aiop_inference_requests_total", "protocol=\"grpc\",result=\"success\""));
        Assert.Equal(0, PrometheusText.Value(metrics, "aiop_inference_requests_total", "protocol=\"rest\",result=\"success\""));
        Assert.Equal(5, PrometheusText.Value(metrics, "nv_inference_request_failure"));
        Assert.Equal(0, PrometheusText.Value(metrics, "aiop_inflight_requests"));
    }

    [Fact]
    public async Task While_loading_the_server_is_live_not_ready_and_infer_is_unavailable()
    {
        await using var origin = await LoopbackFileServer.StartAsync(await File.ReadAllBytesAsync(TestModels.Fixed()), hold: true);
        await using var server = await RunningServer.StartAsync(RunningServer.For(origin.ModelUrl) with { Sha256 = new string('a', 64) }, waitReady: false);
        using var channel = GrpcOip.Channel(server.GrpcPort);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        Assert.True((await client.ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.False((await client.ServerReadyAsync(new ServerReadyRequest())).Ready);
        Assert.False((await client.ModelReadyAsync(new ModelReadyRequest { Name = "m" })).Ready);
        var e = await Assert.ThrowsAsync<RpcException>(async () => await client.ModelInferAsync(GrpcOip.Request("m", [TestTensor.Random("x", "FP32", [2, 4], 1)], raw: true)));
        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Equal("the model is loading", e.Status.Detail);
        Assert.Equal("1", e.Trailers.GetValue("retry-after"));
    }
}
