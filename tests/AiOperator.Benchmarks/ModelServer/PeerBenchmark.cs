using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using AiOperator.ModelServer.Configuration;
using AiOperator.ModelServer.Grpc.Protocol;
using AiOperator.ModelServer.Hosting;
using AiOperator.Testing;
using Google.Protobuf;

namespace AiOperator.Benchmarks.ModelServer;

/// <summary>
/// Side by side in one run: our server (the aiop-model-server executable with its defaults, a child process) against the onnxruntime-node OIP
/// server (peer/server.js, a child process) and raw in-process ONNX Runtime. REST load comes from wrk
/// (its own process; --client dotnet uses the in-process HttpClient instead), gRPC load from h2load
/// (its own process; --grpc-client dotnet, or h2load missing, uses a Grpc.Net.Client closed loop in this
/// process). Servers alternate round by round; rows are medians.
/// Run: dotnet run -c Release --project tests/AiOperator.Benchmarks -- peer [--seconds 10] [--rounds 3] [--only mlp|resnet18] [--client wrk|dotnet] [--grpc-client h2load|dotnet] [--out file.md]
/// </summary>
internal static class PeerBenchmark
{
    // Extra model-server flags for our server (--server-flags "--intra-op-spinning false"), after the defaults.
    private static string[] ServerFlags = [];

    private static string ExtraFlags() => ServerFlags.Length > 0 ? " plus " + string.Join(' ', ServerFlags) : "";

    private const string Mlp = "MLP 256-512-10";
    private const string ResNet = "ResNet18";
    private static readonly int[] MlpConnections = [1, 2, 4, 8];

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Math.Max(1, int.Parse(CommandArgs.Value(args, "--seconds") ?? "10", CultureInfo.InvariantCulture));
        var rounds = Math.Max(1, int.Parse(CommandArgs.Value(args, "--rounds") ?? "3", CultureInfo.InvariantCulture));
        var only = CommandArgs.Value(args, "--only");
        var output = CommandArgs.Value(args, "--out");
        var useWrk = (CommandArgs.Value(args, "--client") ?? (WrkClient.Available() ? "wrk" : "dotnet")) == "wrk";
        var useH2load = (CommandArgs.Value(args, "--grpc-client") ?? (H2loadClient.Available() ? "h2load" : "dotnet")) == "h2load";
        var threads = CpuLimit.Detect();
        ServerFlags = (CommandArgs.Value(args, "--server-flags") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var dir = Path.Combine(Path.GetTempPath(), "aiop-bench-models");
        var work = Directory.CreateTempSubdirectory("aiop-peer-bench-");
        var load = new Load(useWrk, useH2load, seconds, work.FullName);
        var rows = new List<List<LoadResult>>();
        try
        {
            if (only is null or "mlp")
            {
                await MlpRounds(rows, load, BenchmarkModels.Mlp256(dir), threads, rounds);
            }

            if (only is null or "resnet18")
            {
                await ResNetRounds(rows, load, BenchmarkModels.ResNet18(), threads, rounds);
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }

        var results = rows.Select(Median).ToList();
        var markdown = Render(results, threads, seconds, rounds, useWrk, useH2load);
        Console.WriteLine(markdown);
        if (output is not null)
        {
            await File.WriteAllTextAsync(output, markdown);
        }

        return results.Any(r => r.Errors > 0) ? 1 : 0;
    }

    // Our server as users run it, named "bench" as the load drivers expect.
    private static Task<ModelServerProcess> StartOursAsync(string model) => ModelServerProcess.StartAsync(
        ["--model-uri", model, "--model-name", "bench", "--execution-provider", "cpu",
            "--termination-log", Path.Combine(Path.GetTempPath(), "aiop-bench-termination.log"), .. ServerFlags]);

    /// <summary>Failed inference requests so far, REST and gRPC alike (nv_inference_request_failure, every series).</summary>
    private static async Task<long> FailedRequestsAsync(ModelServerProcess server)
    {
        var total = 0.0;
        foreach (var line in (await server.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative))).Split('\n'))
        {
            if (line.StartsWith("nv_inference_request_failure", StringComparison.Ordinal))
            {
                total += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return (long)total;
    }

    private static async Task MlpRounds(List<List<LoadResult>> rows, Load load, string model, int threads, int rounds)
    {
        var shape = new long[] { 1, 256 };
        var (_, json) = ModelServerBenchmark.JsonRequest(shape);
        await using var ours = await StartOursAsync(model);
        using var peer = await PeerProcess.StartAsync(model, threads);
        var oursJson = load.Rest(ours.HttpPort, json, null);
        var peerJson = load.Rest(peer.Port, json, null);
        // gRPC load from an in-process .NET client gets the same client's JSON REST figure beside it.
        var oursJsonDotnet = load.UseWrk && !load.UseH2load ? load.Rest(ours.HttpPort, json, null, useWrk: false) : null;
        await oursJson.Warm();
        await peerJson.Warm();
        await load.WarmGrpc(ours, "x", shape);

        var byKey = new Dictionary<string, List<LoadResult>>();
        void Add(LoadResult r) => (byKey.TryGetValue($"{r.Target}|{r.Concurrency}", out var l) ? l : byKey[$"{r.Target}|{r.Concurrency}"] = []).Add(r);
        for (var round = 0; round < rounds; round++)
        {
            foreach (var c in MlpConnections)
            {
                // Which server goes first alternates, so a load change on the shared machine hits both alike.
                var pair = new[] { (Target: "ours, JSON REST", Run: oursJson), (Target: "onnxruntime-node peer, JSON REST", Run: peerJson) };
                foreach (var (target, run) in round % 2 == 0 ? pair : pair.Reverse())
                {
                    Add(await run.Measure(Mlp, target, c));
                }
            }

            Add(await load.Grpc(Mlp, "ours, gRPC raw contents", ours, "x", shape, 8));
            if (load.UseH2load)
            {
                // What one gRPC channel does with 8 concurrent calls: one HTTP/2 connection carrying 8 streams.
                Add(await load.Grpc(Mlp, "ours, gRPC raw contents", ours, "x", shape, 8, streams: 8));
            }

            if (oursJsonDotnet is not null)
            {
                Add(await oursJsonDotnet.Measure(Mlp, "ours, JSON REST", 8));
            }
        }

        rows.AddRange(byKey.Values);
    }

    private static async Task ResNetRounds(List<List<LoadResult>> rows, Load load, string model, int threads, int rounds)
    {
        var shape = new long[] { 1, 3, 224, 224 };
        var (_, json) = ModelServerBenchmark.JsonRequest(shape);
        var (headerLength, binary) = ModelServerBenchmark.BinaryRequest(shape);
        await using var ours = await StartOursAsync(model);
        using var peer = await PeerProcess.StartAsync(model, threads);
        var oursJson = load.Rest(ours.HttpPort, json, null);
        var peerJson = load.Rest(peer.Port, json, null);
        var oursBinary = load.Rest(ours.HttpPort, binary, headerLength);
        await oursJson.Warm();
        await peerJson.Warm();
        await load.WarmGrpc(ours, "Input247", shape);

        var byKey = new Dictionary<string, List<LoadResult>>();
        void Add(LoadResult r) => (byKey.TryGetValue($"{r.Target}|{r.Concurrency}", out var l) ? l : byKey[$"{r.Target}|{r.Concurrency}"] = []).Add(r);
        for (var round = 0; round < rounds; round++)
        {
            var pair = new[] { (Target: "ours, JSON REST", Run: oursJson), (Target: "onnxruntime-node peer, JSON REST", Run: peerJson) };
            foreach (var (target, run) in round % 2 == 0 ? pair : pair.Reverse())
            {
                Add(await run.Measure(ResNet, target, 4));
            }

            Add(await ModelServerBenchmark.Raw(ResNet, model, shape, threads, 8, load.Warmup, load.Duration));
            Add(await oursBinary.Measure(ResNet, "ours, binary extension", 8));
            Add(await load.Grpc(ResNet, "ours, gRPC raw contents", ours, "Input247", shape, 8));
            if (load.UseH2load)
            {
                Add(await load.Grpc(ResNet, "ours, gRPC raw contents", ours, "Input247", shape, 8, streams: 8));
            }
        }

        rows.AddRange(byKey.Values);
    }

    private static LoadResult Median(List<LoadResult> rounds)
    {
        var ordered = rounds.OrderBy(r => r.Throughput).ToList();
        return ordered[ordered.Count / 2] with { Requests = rounds.Sum(r => r.Requests), Errors = rounds.Sum(r => r.Errors) };
    }

    private static string Render(List<LoadResult> results, int threads, int seconds, int rounds, bool wrk, bool h2load)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores visible, {threads} intra-op threads (the peer and raw; our server by its default: the same divided among its concurrent executions, or 1 for a model whose warm run takes under 1 ms), {RuntimeInformation.OSDescription}, .NET {Environment.Version}; each row the median of {rounds} alternating round(s) of {seconds} s, requests summed over rounds; CPU execution provider; our server the aiop-model-server process with its defaults (max batch 8, queue delay 2 ms){ExtraFlags()}.");
        var grpcClient = h2load
            ? "h2load -t1 (its own process), 8 connections of one stream each, and one connection of 8 streams as a gRPC channel carries concurrent calls; it reports no percentiles, and gRPC failures are counted from our server's metrics"
            : "a closed-loop Grpc.Net.Client in the benchmark process, beside a JSON REST row from the same process's HttpClient";
        sb.AppendLine(CultureInfo.InvariantCulture, $"Clients: REST rows {(wrk ? "wrk -t1 (its own process)" : "closed-loop HttpClient in the benchmark process")}; gRPC rows {grpcClient}; raw rows closed-loop callers of one in-process InferenceSession.");
        sb.AppendLine();
        sb.AppendLine("| model | target (client) | connections | throughput (req/s) | p50 (ms) | p99 (ms) | requests | errors |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Model} | {r.Target} | {r.Concurrency} | {r.Throughput:0.0} | {Ms(r.P50Ms)} | {Ms(r.P99Ms)} | {r.Requests} | {r.Errors} |");
        }

        sb.AppendLine();
        LoadResult? Find(string model, string target, int c) =>
            results.FirstOrDefault(r => r.Model == model && r.Target.StartsWith(target, StringComparison.Ordinal) && r.Concurrency == c);
        foreach (var c in MlpConnections)
        {
            if (Find(Mlp, "ours, JSON REST", c) is { } o && Find(Mlp, "onnxruntime-node peer", c) is { Throughput: > 0 } p)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"- {Mlp}, JSON REST, {c} connection(s): {o.Throughput / p.Throughput:0.00}x the peer's throughput; p50 {o.P50Ms:0.00} vs {p.P50Ms:0.00} ms.");
            }
        }

        if (Find(ResNet, "ours, JSON REST", 4) is { } rj && Find(ResNet, "onnxruntime-node peer", 4) is { Throughput: > 0 } pj)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- {ResNet}, JSON REST, 4 connections: {rj.Throughput / pj.Throughput:0.00}x the peer's throughput.");
        }

        if (Find(ResNet, "raw ONNX Runtime", 8) is { Throughput: > 0 } raw)
        {
            foreach (var s in results.Where(r => r.Model == ResNet && r.Concurrency == 8 && r.Target.StartsWith("ours, ", StringComparison.Ordinal)
                && !r.Target.StartsWith("ours, JSON", StringComparison.Ordinal)))
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"- {ResNet}, {s.Target["ours, ".Length..]}, 8 concurrent: {100 * s.Throughput / raw.Throughput:0.0} % of raw in-process ONNX Runtime.");
            }
        }

        foreach (var g in results.Where(r => r.Model == Mlp && r.Concurrency == 8 && r.Target.StartsWith("ours, gRPC", StringComparison.Ordinal)))
        {
            foreach (var j in results.Where(r => r.Model == Mlp && r.Concurrency == 8 && r.Throughput > 0 && r.Target.StartsWith("ours, JSON REST", StringComparison.Ordinal)))
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"- {Mlp}, 8 concurrent: {g.Target["ours, ".Length..]} gives {g.Throughput / j.Throughput:0.00}x the throughput of {j.Target}.");
            }
        }

        return sb.ToString();
    }

    private static string Ms(double ms) => double.IsNaN(ms) ? "n/a" : ms.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>How this run drives load: wrk or HttpClient for REST, h2load or Grpc.Net.Client for gRPC.</summary>
    private sealed record Load(bool UseWrk, bool UseH2load, int Seconds, string WorkDir)
    {
        public TimeSpan Duration => TimeSpan.FromSeconds(Seconds);

        public TimeSpan Warmup => TimeSpan.FromSeconds(Math.Min(2, Math.Max(0.5, Seconds / 4.0)));

        public RestLoad Rest(int port, byte[] body, int? headerLength, bool? useWrk = null) => new(this with { UseWrk = useWrk ?? UseWrk }, port, body, headerLength);

        /// <summary>Runs gRPC load once, unmeasured, so the HTTP/2 and gRPC paths are compiled before the rounds.</summary>
        public Task<LoadResult> WarmGrpc(ModelServerProcess server, string input, long[] shape) => Grpc("warm-up", "warm-up", server, input, shape, 4, warmup: true);

        /// <summary>
        /// gRPC load of <paramref name="concurrency"/> concurrent calls; with h2load, <paramref name="streams"/> of them
        /// share each connection (1: a connection per call). Grpc.Net.Client always multiplexes them over one channel.
        /// </summary>
        public async Task<LoadResult> Grpc(string model, string target, ModelServerProcess server, string input, long[] shape, int concurrency, bool warmup = false, int streams = 1)
        {
            var message = new ModelInferRequest { ModelName = "bench" };
            var tensor = new ModelInferRequest.Types.InferInputTensor { Name = input, Datatype = "FP32" };
            tensor.Shape.AddRange(shape);
            message.Inputs.Add(tensor);
            message.RawInputContents.Add(ByteString.CopyFrom(ModelServerBenchmark.Input(shape)));
            if (UseH2load)
            {
                var frame = H2loadClient.Frame(WorkDir, $"grpc-{input}", message.ToByteArray());
                var failedBefore = await FailedRequestsAsync(server);
                var result = await H2loadClient.RunAsync(model, target, $"http://127.0.0.1:{server.GrpcPort}/inference.GRPCInferenceService/ModelInfer", frame,
                    concurrency / streams, streams, warmup ? 4 : Seconds);
                return result with { Errors = result.Errors + await FailedRequestsAsync(server) - failedBefore };
            }

            using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{server.GrpcPort}");
            var stub = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
            return await LoadRunner.RunAsync(model, target + " (Grpc.Net.Client)", concurrency, Warmup, warmup ? Warmup : Duration, _ => async () =>
                (await stub.ModelInferAsync(message)).RawOutputContents.Count == 1);
        }
    }

    /// <summary>One POST body against one server, measured with wrk or HttpClient.</summary>
    private sealed class RestLoad(Load load, int port, byte[] body, int? headerLength)
    {
        private readonly string _url = $"http://127.0.0.1:{port}/v2/models/bench/infer";
        private string? _script;

        public Task<LoadResult> Warm() => Measure("warm-up", "warm-up", 4, warmup: true);

        public Task<LoadResult> Measure(string model, string target, int connections) => Measure(model, target, connections, warmup: false);

        private async Task<LoadResult> Measure(string model, string target, int connections, bool warmup)
        {
            if (load.UseWrk)
            {
                _script ??= Script();
                return await WrkClient.RunAsync(model, target, _url, _script, connections, warmup ? 1 : load.Seconds);
            }

            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections + 1 });
            return await LoadRunner.RunAsync(model, target + " (HttpClient)", connections, load.Warmup, warmup ? load.Warmup : load.Duration, worker => async () =>
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue(headerLength is null ? "application/json" : "application/octet-stream");
                if (headerLength is { } n)
                {
                    content.Headers.Add(OipEndpoints.HeaderLength, n.ToString(CultureInfo.InvariantCulture));
                }

                using var response = await client.PostAsync(_url, content);
                _ = await response.Content.ReadAsByteArrayAsync();
                return response.StatusCode == HttpStatusCode.OK;
            });
        }

        private string Script()
        {
            var name = $"body-{port}-{body.Length}";
            var path = Path.Combine(load.WorkDir, name + ".bin");
            File.WriteAllBytes(path, body);
            var headers = new Dictionary<string, string> { ["Content-Type"] = headerLength is null ? "application/json" : "application/octet-stream" };
            if (headerLength is { } n)
            {
                headers[OipEndpoints.HeaderLength] = n.ToString(CultureInfo.InvariantCulture);
            }

            return WrkClient.Script(load.WorkDir, name, path, headers);
        }
    }
}
