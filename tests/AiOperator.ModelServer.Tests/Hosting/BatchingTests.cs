using AiOperator.ModelServer.Tests.Support;
using Xunit;

namespace AiOperator.ModelServer.Tests.Hosting;

/// <summary>Dynamic batching: concurrent requests are stacked, and each gets exactly what it would have alone.</summary>
public sealed class BatchingTests
{
    [Fact]
    public async Task Concurrent_requests_equal_sequential_ones_and_batch_metrics_move()
    {
        // Batches form only from requests that queue while the slot is busy: a long run (8,192 rows through
        // 16 MB of weights on one thread, a second or more) holds the slot first, so the 48 requests released
        // during it queue however slowly a loaded machine sends them. Their bodies are built beforehand: on
        // an idle machine the run was once over before 48 bodies had been serialised.
        var model = TestModels.Mlp(inputs: 512, hidden: 8192, outputs: 16);
        await using var server = await RunningServer.StartAsync(RunningServer.For(model) with { MaxBatchSize = 16, MaxQueueDelayMicroseconds = 50_000 });
        var random = new Random(7);
        var requests = Enumerable.Range(0, 48).Select(i => TestTensor.Random("x", "FP32", [random.Next(1, 4), 512], 100 + i)).ToList();
        var expected = requests.Select(r => ReferenceRuntime.Run(model, [r]).Single()).ToList();

        var bodies = requests.Select((r, i) => OipClient.Request([r], binaryInputs: i % 2 == 0, binaryOutputs: i % 3 == 0)).ToList();
        var blockerInput = TestTensor.Random("x", "FP32", [8192, 512], 99);
        var blocker = OipClient.InferAsync(server.Client, "m", [blockerInput], binaryInputs: true, binaryOutputs: true);
        await Eventually.TrueAsync(async () => PrometheusText.Value(await PrometheusText.ScrapeAsync(server.Client), "aiop_busy_ratio") > 0,
            "long request running", TimeSpan.FromSeconds(30));

        using var start = new SemaphoreSlim(0);
        var tasks = requests.Select((r, i) => Task.Run(async () =>
        {
            await start.WaitAsync();
            using var response = await server.Client.PostAsync("/v2/models/m/infer", bodies[i]);
            return (await OipClient.ReadAsync(response)).Outputs;
        })).ToList();
        start.Release(requests.Count);
        var results = await Task.WhenAll(tasks);
        Assert.Equal(new long[] { 8192, 16 }, (await blocker).Single().Shape);

        for (var i = 0; i < requests.Count; i++)
        {
            expected[i].AssertEqual(results[i].Single());
        }

        var metrics = await PrometheusText.ScrapeWhenAsync(server.Client, m => PrometheusText.Value(m, "nv_inference_request_success") >= requests.Count + 1,
            "every request counted as finished");
        var executions = PrometheusText.Value(metrics, "nv_inference_exec_count");
        var inferences = PrometheusText.Value(metrics, "nv_inference_count");
        // Warm-up does not count; every row of every request (and of the blocker) does.
        Assert.Equal(requests.Sum(r => r.Shape[0]) + 8192, inferences);
        Assert.True(executions < requests.Count + 1, $"expected batching to need fewer than {requests.Count + 1} executions, got {executions}");
        Assert.Equal(executions, PrometheusText.Value(metrics, "aiop_batch_size_count"));
        Assert.True(PrometheusText.Value(metrics, "aiop_batch_size_bucket", "le=\"1\"") < executions, "some executions must hold more than one row");
        Assert.Equal(requests.Count + 1, PrometheusText.Value(metrics, "nv_inference_request_success"));
        Assert.Equal(0, PrometheusText.Value(metrics, "nv_inference_pending_request_count"));
        Assert.InRange(PrometheusText.Value(metrics, "aiop_busy_ratio"), double.Epsilon, 1.0);
        Assert.True(PrometheusText.Value(metrics, "nv_inference_compute_infer_duration_us") > 0);
        Assert.True(PrometheusText.Value(metrics, "nv_inference_queue_duration_us") > 0);
    }

    [Fact]
    public async Task Requests_of_different_shapes_are_not_stacked_together()
    {
        var model = TestModels.MultiIo();
        await using var server = await RunningServer.StartAsync(RunningServer.For(model) with { MaxBatchSize = 8, MaxQueueDelayMicroseconds = 20_000 });
        var tasks = Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            var inputs = new[] { TestTensor.Random("a", "FP32", [1 + (i % 3), 4], i), TestTensor.Random("b", "FP32", [1 + (i % 3), 4], i + 50), TestTensor.Random("c", "INT64", [1 + (i % 3), 2], i + 90) };
            // Half ask for a subset of outputs: a different output set must not share a run either.
            var outputs = i % 2 == 0 ? new[] { "sum" } : null;
            var actual = await OipClient.InferAsync(server.Client, "m", inputs, binaryInputs: true, binaryOutputs: true, outputs: outputs);
            var expected = ReferenceRuntime.Run(model, inputs, outputs);
            Assert.Equal(expected.Count, actual.Count);
            for (var k = 0; k < expected.Count; k++)
            {
                expected[k].AssertEqual(actual[k]);
            }
        })).ToList();
        await Task.WhenAll(tasks);
    }

    [Fact]
    public async Task Fixed_shape_model_runs_unbatched()
    {
        var model = TestModels.Fixed();
        await using var server = await RunningServer.StartAsync(RunningServer.For(model) with { MaxBatchSize = 8 });
        var input = TestTensor.Random("x", "FP32", [2, 4], 5);
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => OipClient.InferAsync(server.Client, "m", [input])));
        var expected = ReferenceRuntime.Run(model, [input]).Single();
        foreach (var r in results)
        {
            expected.AssertEqual(r.Single());
        }

        var metrics = await PrometheusText.ScrapeAsync(server.Client);
        Assert.Equal(6, PrometheusText.Value(metrics, "nv_inference_exec_count"));
    }
}
