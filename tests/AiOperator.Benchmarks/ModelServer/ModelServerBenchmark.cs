using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using AiOperator.ModelServer.Configuration;
using AiOperator.ModelServer.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace AiOperator.Benchmarks.ModelServer;

/// <summary>
/// Scenario benchmark: throughput and p50/p99 of the model server over loopback HTTP (binary tensor
/// extension) against raw in-process ONNX Runtime on the same model, and dynamic batching on vs off.
/// Run: dotnet run -c Release --project tests/AiOperator.Benchmarks -- modelserver [--seconds 8] [--rounds 3] [--only mlp|resnet18|batching|latency] [--out file.md]
/// </summary>
internal static class ModelServerBenchmark
{
    private static readonly int[] Concurrencies = [1, 8, 32];

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = double.Parse(CommandArgs.Value(args, "--seconds") ?? "8", CultureInfo.InvariantCulture);
        var rounds = int.Parse(CommandArgs.Value(args, "--rounds") ?? "3", CultureInfo.InvariantCulture);
        var only = CommandArgs.Value(args, "--only");
        var output = CommandArgs.Value(args, "--out");
        var duration = TimeSpan.FromSeconds(seconds);
        var warmup = TimeSpan.FromSeconds(Math.Min(3, seconds / 3));
        var dir = Path.Combine(Path.GetTempPath(), "aiop-bench-models");
        var threads = CpuLimit.Detect();
        var results = new List<LoadResult>();

        if (only is null or "mlp")
        {
            var mlp = BenchmarkModels.SmallMlp(dir);
            await Compare(results, "MLP 64-256-16", mlp, [1, 64], threads, rounds, warmup, duration);
        }

        if (only is null or "resnet18")
        {
            await Compare(results, "ResNet18", BenchmarkModels.ResNet18(), [1, 3, 224, 224], threads, rounds, warmup, duration);
        }

        if (only is null or "batching")
        {
            var wide = BenchmarkModels.WideMlp(dir);
            var off = new List<LoadResult>();
            var on = new List<LoadResult>();
            for (var round = 0; round < rounds; round++)
            {
                off.Add(await Server("MLP 512-2048-2048-512", "server, batching off", wide, [1, 512], threads, 1, 32, warmup, duration));
                on.Add(await Server("MLP 512-2048-2048-512", "server, max batch 32", wide, [1, 512], threads, 32, 32, warmup, duration));
            }

            results.Add(Median(off));
            results.Add(Median(on));
        }

        if (only is "latency")
        {
            // The server as deployed (default batching and queue delay), JSON bodies, few clients: the
            // low-concurrency latency floor, where an idle execution slot must not add any wait.
            var mlp = BenchmarkModels.Mlp256(dir);
            foreach (var c in new[] { 1, 2, 4 })
            {
                var measured = new List<LoadResult>();
                for (var round = 0; round < rounds; round++)
                {
                    measured.Add(await Server("MLP 256-512-10", "server defaults, JSON", mlp, [1, 256], threads, maxBatch: 8, c, warmup, duration, json: true));
                }

                results.Add(Median(measured));
                measured.Clear();
                for (var round = 0; round < rounds; round++)
                {
                    measured.Add(await Server("MLP 256-512-10", "server defaults, gRPC raw", mlp, [1, 256], threads, maxBatch: 8, c, warmup, duration, grpc: true));
                }

                results.Add(Median(measured));
            }
        }

        var markdown = Render(results, threads, seconds);
        Console.WriteLine(markdown);
        if (output is not null)
        {
            await File.WriteAllTextAsync(output, markdown);
        }

        return results.Any(r => r.Errors > 0) ? 1 : 0;
    }

    // Raw and server alternate for several rounds and each reports its median round, so a shared
    // machine's changing load hits both sides alike.
    private static async Task Compare(List<LoadResult> results, string name, string model, long[] shape, int threads, int rounds, TimeSpan warmup, TimeSpan duration)
    {
        foreach (var c in Concurrencies)
        {
            var raw = new List<LoadResult>();
            var server = new List<LoadResult>();
            for (var round = 0; round < rounds; round++)
            {
                raw.Add(await Raw(name, model, shape, threads, c, warmup, duration));
                // As many concurrent executions as the raw baseline's callers, so the difference is the serving cost alone.
                server.Add(await Server(name, "server", model, shape, threads, maxBatch: 1, c, warmup, duration, instances: c));
            }

            results.Add(Median(raw));
            results.Add(Median(server));
        }
    }

    private static LoadResult Median(List<LoadResult> rounds)
    {
        var ordered = rounds.OrderBy(r => r.Throughput).ToList();
        var median = ordered[ordered.Count / 2];
        return median with { Requests = rounds.Sum(r => r.Requests), Errors = rounds.Sum(r => r.Errors) };
    }

    internal static async Task<LoadResult> Raw(string name, string model, long[] shape, int threads, int concurrency, TimeSpan warmup, TimeSpan duration)
    {
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(model, options);
        var inputName = session.InputNames[0];
        var outputNames = session.OutputNames.ToArray();
        var data = Input(shape);
        var handle = GCHandle.Alloc(data, GCHandleType.Pinned);
        try
        {
            using var value = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float,
                shape, handle.AddrOfPinnedObject(), data.Length);
            using var runOptions = new RunOptions();
            var inputs = new[] { value };
            var names = new[] { inputName };
            return await LoadRunner.RunAsync(name, "raw ONNX Runtime", concurrency, warmup, duration, worker => () =>
            {
                // Same work the server does per request: one Run and one copy of the output out of native memory.
                using var outputs = session.Run(runOptions, names, inputs, outputNames);
                _ = outputs[0].GetTensorMutableRawData().ToArray();
                return Task.FromResult(true);
            });
        }
        finally
        {
            handle.Free();
        }
    }

    private static async Task<LoadResult> Server(string name, string target, string model, long[] shape, int threads, int maxBatch, int concurrency, TimeSpan warmup, TimeSpan duration, int instances = 0, bool json = false, bool grpc = false)
    {
        var options = new ServerOptions
        {
            // Given, as the raw rows' session has it: each of the server's executions with as many threads.
            ModelUri = model, ModelName = "bench", Host = "127.0.0.1", HttpPort = 0, GrpcPort = 0, IntraOpThreads = threads, IntraOpThreadsGiven = true,
            MaxBatchSize = maxBatch, MaxQueueDelayMicroseconds = 2000, ExecutionProvider = ExecutionProviderKind.Cpu, InstanceCount = instances,
            TerminationLogPath = Path.Combine(Path.GetTempPath(), "aiop-bench-termination.log"),
        };
        var app = ServerApp.Build(options, TimeProvider.System, l => l.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        try
        {
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency + 1 })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{app.Services.GetRequiredService<ServerEndpoints>().HttpPort}"),
            };
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!(await client.GetAsync("/v2/models/bench/ready")).IsSuccessStatusCode)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException("benchmark server did not become ready");
                }

                await Task.Delay(50);
            }

            if (grpc)
            {
                using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{app.Services.GetRequiredService<ServerEndpoints>().GrpcPort}");
                var stub = new AiOperator.ModelServer.Grpc.Protocol.GRPCInferenceService.GRPCInferenceServiceClient(channel);
                var message = new AiOperator.ModelServer.Grpc.Protocol.ModelInferRequest { ModelName = "bench" };
                var tensor = new AiOperator.ModelServer.Grpc.Protocol.ModelInferRequest.Types.InferInputTensor { Name = InputNameFor(shape), Datatype = "FP32" };
                tensor.Shape.AddRange(shape);
                message.Inputs.Add(tensor);
                message.RawInputContents.Add(Google.Protobuf.ByteString.CopyFrom(Input(shape)));
                return await LoadRunner.RunAsync(name, target, concurrency, warmup, duration, worker => async () =>
                {
                    var response = await stub.ModelInferAsync(message);
                    return response.RawOutputContents.Count == 1;
                });
            }

            var (jsonLength, total) = json ? JsonRequest(shape) : BinaryRequest(shape);
            var result = await LoadRunner.RunAsync(name, target, concurrency, warmup, duration, worker => async () =>
            {
                using var content = new ByteArrayContent(total);
                content.Headers.ContentType = new MediaTypeHeaderValue(json ? "application/json" : "application/octet-stream");
                if (!json)
                {
                    content.Headers.Add("Inference-Header-Content-Length", jsonLength.ToString(CultureInfo.InvariantCulture));
                }

                using var response = await client.PostAsync("/v2/models/bench/infer", content);
                _ = await response.Content.ReadAsByteArrayAsync();
                return response.StatusCode == HttpStatusCode.OK;
            });
            return result;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    internal static (int JsonLength, byte[] Body) BinaryRequest(long[] shape)
    {
        var data = Input(shape);
        var input = $$"""{"name":"{{InputNameFor(shape)}}","shape":[{{string.Join(",", shape)}}],"datatype":"FP32","parameters":{"binary_data_size":{{data.Length}}} }""";
        var json = Encoding.UTF8.GetBytes($$"""{"inputs":[{{input}}],"parameters":{"binary_data_output":true} }""");
        return (json.Length, [.. json, .. data]);
    }

    internal static (int JsonLength, byte[] Body) JsonRequest(long[] shape)
    {
        var data = Input(shape);
        var values = string.Join(",", Enumerable.Range(0, data.Length / 4).Select(i => BitConverter.ToSingle(data, i * 4).ToString("R", CultureInfo.InvariantCulture)));
        var body = Encoding.UTF8.GetBytes($$"""{"inputs":[{"name":"{{InputNameFor(shape)}}","shape":[{{string.Join(",", shape)}}],"datatype":"FP32","data":[{{values}}]}]}""");
        return (body.Length, body);
    }

    // The generated MLPs call their input x; the packaged ResNet18 calls it Input247.
    private static string InputNameFor(long[] shape) => shape.Length == 4 ? "Input247" : "x";

    internal static byte[] Input(long[] shape)
    {
        var count = (int)shape.Aggregate(1L, (a, b) => a * b);
        var random = new Random(42);
        var bytes = new byte[count * 4];
        for (var i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), (float)random.NextDouble());
        }

        return bytes;
    }

    private static string Render(List<LoadResult> results, int threads, double seconds)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores visible, {threads} intra-op threads, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; each row the median of alternating rounds of {seconds:0} s (after warm-up), requests summed over rounds; CPU execution provider; binary tensor extension over loopback HTTP; 'server' rows run as many concurrent executions as the raw rows have callers (--instance-count = concurrency), the batching rows use the defaults (1 instance).");
        sb.AppendLine();
        sb.AppendLine("| model | target | concurrency | throughput (req/s) | p50 (ms) | p99 (ms) | requests | errors |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Model} | {r.Target} | {r.Concurrency} | {r.Throughput:0.0} | {r.P50Ms:0.00} | {r.P99Ms:0.00} | {r.Requests} | {r.Errors} |");
        }

        sb.AppendLine();
        foreach (var model in results.Select(r => r.Model).Distinct())
        {
            var raw = results.FirstOrDefault(r => r.Model == model && r.Target == "raw ONNX Runtime" && r.Concurrency == 8);
            var server = results.FirstOrDefault(r => r.Model == model && r.Target == "server" && r.Concurrency == 8);
            if (raw is not null && server is not null)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"- {model}, concurrency 8: server reaches {100 * server.Throughput / raw.Throughput:0.0} % of raw throughput ({100 * (1 - server.Throughput / raw.Throughput):0.0} % loss).");
            }

            var off = results.FirstOrDefault(r => r.Model == model && r.Target == "server, batching off");
            var on = results.FirstOrDefault(r => r.Model == model && r.Target == "server, max batch 32");
            if (off is not null && on is not null)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"- {model}, concurrency 32: batching gives {on.Throughput / off.Throughput:0.00}x the throughput of batching off.");
            }
        }

        return sb.ToString();
    }
}
