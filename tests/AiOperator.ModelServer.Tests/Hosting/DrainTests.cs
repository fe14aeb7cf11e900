using System.Net;
using AiOperator.ModelServer.Tests.Support;
using AiOperator.Testing;
using Xunit;

namespace AiOperator.ModelServer.Tests.Hosting;

/// <summary>SIGTERM to the real executable: readiness drops at once, every in-flight request still completes, then a clean exit.</summary>
public sealed class DrainTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    public async Task Sigterm_loses_no_in_flight_request(int drainDelaySeconds)
    {
        var model = TestModels.Mlp(inputs: 512, hidden: 16384, outputs: 16);
        // A long run (4,096 rows through 32 MB of weights on one thread, seconds on any machine) holds the one
        // execution slot, so the requests after it queue; a long queue delay keeps them queued when the
        // signal arrives. One intra-op thread: with a thread per core the run's length would depend on the
        // machine, and a short one lets the queue drain before it has filled.
        await using var server = await ModelServerProcess.StartAsync(["--model-uri", model, "--model-name", "m", "--max-batch-size", "64",
            "--intra-op-threads", "1", "--max-queue-delay-us", "1500000",
            "--drain-delay-seconds", drainDelaySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var blocker = OipClient.InferAsync(server.Client, "m", [TestTensor.Random("x", "FP32", [4096, 512], 99)], binaryInputs: true, binaryOutputs: true);
        await Eventually.TrueAsync(async () => PrometheusText.Value(await PrometheusText.ScrapeAsync(server.Client), "aiop_busy_ratio") > 0,
            "long request running", TimeSpan.FromSeconds(30));
        var inputs = Enumerable.Range(0, 8).Select(i => TestTensor.Random("x", "FP32", [1, 512], i)).ToList();
        var calls = inputs.Select(i => OipClient.InferAsync(server.Client, "m", [i])).ToList();
        // And one over gRPC: the same queue, the same drain.
        using var channel = GrpcOip.Channel(server.GrpcPort);
        var grpc = new AiOperator.ModelServer.Grpc.Protocol.GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var grpcInput = TestTensor.Random("x", "FP32", [1, 512], 50);
        var grpcCall = grpc.ModelInferAsync(GrpcOip.Request("m", [grpcInput], raw: true)).ResponseAsync;
        await Eventually.TrueAsync(async () =>
        {
            Assert.False(blocker.IsCompleted, "the long request ended before the 9 requests behind it had queued: the test needs a longer one");
            return PrometheusText.Value(await PrometheusText.ScrapeAsync(server.Client), "nv_inference_pending_request_count") == 9;
        }, "9 requests queued", TimeSpan.FromSeconds(10));

        // A health watch (as a gRPC client-side health check keeps open) sees the drain and does not hold the exit up.
        var health = new global::Grpc.Health.V1.Health.HealthClient(channel);
        using var watch = health.Watch(new global::Grpc.Health.V1.HealthCheckRequest());
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, watch.ResponseStream.Current.Status);

        server.Terminate();
        if (drainDelaySeconds > 0)
        {
            // Readiness turns false at once, but noticing it, and the requests below that must arrive while the delay
            // lasts, take HTTP round trips to a process sharing a loaded machine: half the delay for the first, half
            // for the rest (3 s, with 2 s to see readiness drop, left a loaded machine no room).
            await Eventually.TrueAsync(async () =>
            {
                using var ready = await server.Client.GetAsync("/v2/health/ready");
                return ready.StatusCode == HttpStatusCode.ServiceUnavailable;
            }, "readiness false after SIGTERM", TimeSpan.FromSeconds(drainDelaySeconds / 2.0));
            Assert.False((await grpc.ServerReadyAsync(new AiOperator.ModelServer.Grpc.Protocol.ServerReadyRequest())).Ready);

            // During the delay a request that still arrives (a proxy not yet updated, a pinned connection) is
            // answered, not refused, and every HTTP/1.1 answer closes its connection so clients move on.
            using (var live = await server.Client.GetAsync("/v2/health/live"))
            {
                Assert.True(live.Headers.ConnectionClose == true, "a draining server closes each HTTP/1.1 connection after its answer");
            }

            var late = TestTensor.Random("x", "FP32", [1, 512], 77);
            inputs.Add(late);
            calls.Add(OipClient.InferAsync(server.Client, "m", [late]));
        }

        var results = await Task.WhenAll(calls);
        for (var i = 0; i < inputs.Count; i++)
        {
            ReferenceRuntime.Run(model, [inputs[i]])[0].AssertEqual(results[i].Single());
        }

        ReferenceRuntime.Run(model, [grpcInput])[0].AssertEqual(GrpcOip.Outputs(await grpcCall).Single());
        var blocked = (await blocker).Single();
        Assert.Equal(new long[] { 4096, 16 }, blocked.Shape);
        using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.True(await watch.ResponseStream.MoveNext(exit.Token));
        Assert.Equal(global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.NotServing, watch.ResponseStream.Current.Status);
        Assert.False(await watch.ResponseStream.MoveNext(exit.Token));
        await server.Process.WaitForExitAsync(exit.Token);
        Assert.Equal(0, server.Process.ExitCode);
        Assert.Contains("Draining: readiness false", server.Output, StringComparison.Ordinal);
    }
}
