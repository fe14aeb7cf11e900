using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using AiOperator.ModelServer.Configuration;
using AiOperator.ModelServer.Grpc.Protocol;
using AiOperator.Testing;
using Google.Protobuf;

namespace AiOperator.Benchmarks.ModelServer.KestrelFloor;

/// <summary>
/// How far our server is from the least Kestrel itself costs. Side by side in one run, alternating round by
/// round: our server (the aiop-model-server process with its defaults), <see cref="KestrelFloorServer"/>
/// (the same Kestrel set-up answering the same bytes with no work) and the onnxruntime-node peer of the peer
/// benchmark, each driven by wrk -t1 -c8 (the MLP's JSON request over REST) and, the two .NET servers, by
/// h2load -t1 -c1 -m8 (its raw-contents ModelInfer over gRPC). Besides requests per
/// second it reads each server's CPU time (user + system) before and after each load, so a row says what one
/// request costs the server; the load client's own cost comes on top on a machine where it shares the cores.
/// Run: dotnet tests/AiOperator.Benchmarks/bin/Release/net10.0/AiOperator.Benchmarks.dll floor [--seconds 5] [--rounds 3] [--out file.md]
/// </summary>
internal static class KestrelFloorBenchmark
{
    private const int Concurrency = 8;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Math.Max(1, int.Parse(CommandArgs.Value(args, "--seconds") ?? "5", CultureInfo.InvariantCulture));
        var rounds = Math.Max(1, int.Parse(CommandArgs.Value(args, "--rounds") ?? "3", CultureInfo.InvariantCulture));
        var output = CommandArgs.Value(args, "--out");
        if (!WrkClient.Available() || !H2loadClient.Available())
        {
            await Console.Error.WriteLineAsync("floor needs wrk and h2load (apt-get install wrk nghttp2-client)");
            return 2;
        }

        var model = BenchmarkModels.Mlp256(Path.Combine(Path.GetTempPath(), "aiop-bench-models"));
        var shape = new long[] { 1, 256 };
        var (_, json) = ModelServerBenchmark.JsonRequest(shape);
        var message = new ModelInferRequest { ModelName = "bench" };
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "FP32" };
        tensor.Shape.AddRange(shape);
        message.Inputs.Add(tensor);
        message.RawInputContents.Add(ByteString.CopyFrom(ModelServerBenchmark.Input(shape)));

        var work = Directory.CreateTempSubdirectory("aiop-floor-bench-");
        var samples = new Dictionary<string, List<(LoadResult Load, double CpuMicroseconds)>>();
        try
        {
            await using var ours = await ModelServerProcess.StartAsync(["--model-uri", model, "--model-name", "bench", "--execution-provider", "cpu"]);

            // The floor answers exactly what our server answers to the same requests.
            var restAnswer = Path.Combine(work.FullName, "answer.json");
            using (var content = new ByteArrayContent(json))
            {
                content.Headers.ContentType = new("application/json");
                using var response = await ours.Client.PostAsync(new Uri("/v2/models/bench/infer", UriKind.Relative), content);
                response.EnsureSuccessStatusCode();
                await File.WriteAllBytesAsync(restAnswer, await response.Content.ReadAsByteArrayAsync());
            }

            var grpcAnswer = Path.Combine(work.FullName, "answer.pb");
            using (var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{ours.GrpcPort}"))
            {
                var reply = await new GRPCInferenceService.GRPCInferenceServiceClient(channel).ModelInferAsync(message);
                await File.WriteAllBytesAsync(grpcAnswer, reply.ToByteArray());
            }

            using var floor = await StartFloorAsync(restAnswer, grpcAnswer);
            using var peer = await PeerProcess.StartAsync(model, CpuLimit.Detect());
            var script = WrkClient.Script(work.FullName, "mlp", await WriteAsync(work.FullName, "mlp.json", json),
                new Dictionary<string, string> { ["Content-Type"] = "application/json" });
            var frame = H2loadClient.Frame(work.FullName, "mlp", message.ToByteArray());
            // A gRPC port of 0: the peer speaks REST only.
            var targets = new (string Name, Process Process, int HttpPort, int GrpcPort)[]
            {
                ("ours (aiop-model-server)", ours.Process, ours.HttpPort, ours.GrpcPort),
                ("Kestrel floor (no work)", floor.Process, floor.HttpPort, floor.GrpcPort),
                ("onnxruntime-node peer", peer.Process, peer.Port, 0),
            };

            Task<LoadResult> Rest(int port, int s) =>
                WrkClient.RunAsync("MLP 256-512-10", "JSON REST", $"http://127.0.0.1:{port}/v2/models/bench/infer", script, Concurrency, s);
            Task<LoadResult> Grpc(int port, int s) =>
                H2loadClient.RunAsync("MLP 256-512-10", "gRPC raw contents", $"http://127.0.0.1:{port}/inference.GRPCInferenceService/ModelInfer", frame, 1, Concurrency, s);

            foreach (var t in targets)
            {
                await Rest(t.HttpPort, 2);
                if (t.GrpcPort != 0)
                {
                    await Grpc(t.GrpcPort, 2);
                }
            }

            for (var round = 0; round < rounds; round++)
            {
                foreach (var (protocol, run) in new (string, Func<int, int, int, Task<LoadResult>>)[]
                {
                    ("REST", (http, _, s) => Rest(http, s)),
                    ("gRPC", (_, grpc, s) => Grpc(grpc, s)),
                })
                {
                    // Which server goes first alternates, so a load change on the shared machine hits both alike.
                    foreach (var t in round % 2 == 0 ? targets : targets.Reverse())
                    {
                        if (protocol == "gRPC" && t.GrpcPort == 0)
                        {
                            continue;
                        }

                        var before = CpuTime(t.Process);
                        var result = await run(t.HttpPort, t.GrpcPort, seconds);
                        var spent = CpuTime(t.Process) - before;
                        var key = $"{t.Name}|{protocol}";
                        (samples.TryGetValue(key, out var list) ? list : samples[key] = []).Add(
                            (result, result.Requests > 0 ? spent.TotalMicroseconds / result.Requests : double.NaN));
                    }
                }
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }

        var markdown = Render(samples, seconds, rounds);
        Console.WriteLine(markdown);
        if (output is not null)
        {
            await File.WriteAllTextAsync(output, markdown);
        }

        return samples.Values.SelectMany(s => s).Any(s => s.Load.Errors > 0) ? 1 : 0;
    }

    private static TimeSpan CpuTime(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    private static async Task<string> WriteAsync(string dir, string name, byte[] bytes)
    {
        var path = Path.Combine(dir, name);
        await File.WriteAllBytesAsync(path, bytes);
        return path;
    }

    private static async Task<FloorProcess> StartFloorAsync(string restAnswer, string grpcAnswer)
    {
        var (httpPort, grpcPort) = (LoopbackPort.Free(), LoopbackPort.Free());
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        // What the model server has by its runtimeconfig (server GC) and sets for itself at start (inline socket completions).
        info.Environment["DOTNET_gcServer"] = "1";
        info.Environment["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "1";
        foreach (var a in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "AiOperator.Benchmarks.dll"), "floor-server",
            "--http-port", httpPort.ToString(CultureInfo.InvariantCulture), "--grpc-port", grpcPort.ToString(CultureInfo.InvariantCulture),
            "--rest-answer", restAnswer, "--grpc-answer", grpcAnswer,
        })
        {
            info.ArgumentList.Add(a);
        }

        var floor = new FloorProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"), httpPort, grpcPort);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(1))
        {
            if (floor.Process.HasExited)
            {
                break;
            }

            try
            {
                using var ready = await client.GetAsync(new Uri($"http://127.0.0.1:{httpPort}/v2/health/ready"));
                if (ready.IsSuccessStatusCode)
                {
                    return floor;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(100);
        }

        floor.Dispose();
        throw new InvalidOperationException("the Kestrel floor server did not become ready within a minute");
    }

    private static string Render(Dictionary<string, List<(LoadResult Load, double CpuMicroseconds)>> samples, int seconds, int rounds)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores visible, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; MLP 256-512-10 on the CPU execution provider; {Concurrency} concurrent requests; each row the median of {rounds} alternating round(s) of {seconds} s.");
        sb.AppendLine("Clients: REST wrk -t1 -c8, gRPC h2load -t1 -c1 -m8 (one connection of 8 streams), each its own process sharing the cores with the server. The peer (peer/server.js, as in the peer benchmark) speaks REST only: one event loop, and ONNX Runtime with as many intra-op threads as cores, spinning while idle by its default.");
        sb.AppendLine();
        sb.AppendLine("| server | protocol | throughput (req/s) | server CPU per request (µs) | requests | errors |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var (key, list) in samples)
        {
            var parts = key.Split('|');
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {parts[0]} | {parts[1]} | {Median(list.Select(s => s.Load.Throughput)):0} | {Median(list.Select(s => s.CpuMicroseconds)):0.0} | {list.Sum(s => s.Load.Requests)} | {list.Sum(s => s.Load.Errors)} |");
        }

        double Throughput(string key) => samples.TryGetValue(key, out var l) ? Median(l.Select(s => s.Load.Throughput)) : double.NaN;
        var peerRest = Throughput("onnxruntime-node peer|REST");
        var oursRest = Throughput("ours (aiop-model-server)|REST");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"- JSON REST at 8 connections: ours {oursRest / peerRest:0.00}x the peer; the Kestrel floor {Throughput("Kestrel floor (no work)|REST") / peerRest:0.00}x the peer.");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- gRPC at 8 streams: ours {Throughput("ours (aiop-model-server)|gRPC") / oursRest:0.00}x our JSON REST; the floor's gRPC {Throughput("Kestrel floor (no work)|gRPC") / Throughput("Kestrel floor (no work)|REST"):0.00}x its REST.");
        return sb.ToString();
    }

    // The middle round (the upper middle of an even count), as the peer benchmark takes its rows.
    private static double Median(IEnumerable<double> rounds)
    {
        var ordered = rounds.Order().ToList();
        return ordered[ordered.Count / 2];
    }
}
