using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using AiOperator.ModelServer.Configuration;
using AiOperator.ModelServer.Hosting;
using AiOperator.ModelServer.Model;
using AiOperator.ModelServer.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiOperator.Benchmarks.ModelServer;

/// <summary>
/// Where a JSON REST request's time and allocations go, on the 256-512-10 MLP: each stage alone
/// (parse, run, write the response) timed and its allocations counted on the calling thread, then the
/// whole server over loopback with a raw-socket keep-alive client that allocates nothing per request,
/// so the process's allocated-bytes delta is the server's.
/// Run: dotnet run -c Release --project tests/AiOperator.Benchmarks -- restpath [--requests 20000]
/// </summary>
internal static class RestPathProfile
{
    public static async Task<int> RunAsync(string[] args)
    {
        var i = Array.IndexOf(args, "--requests");
        var n = i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 20_000;
        var modelPath = BenchmarkModels.Mlp256(Path.Combine(Path.GetTempPath(), "aiop-bench-models"));
        var (_, body) = ModelServerBenchmark.JsonRequest([1, 256]);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"MLP 256-512-10, JSON body of {body.Length} bytes, {n} requests per line, {Environment.ProcessorCount} cores visible (shared machine: times are indicative, allocations exact).");
        sb.AppendLine();
        sb.AppendLine("| stage | µs per request | bytes allocated per request |");
        sb.AppendLine("|---|---:|---:|");

        using (var model = OnnxModel.Load(modelPath, ExecutionProviderKind.Cpu, 1, GraphOptimization.All, _ => { }))
        {
            // An array, as the scheduler passes it.
            var names = model.Signature.Outputs.Select(o => o.Name).ToArray();
            var response = new ArrayBufferWriter<byte>(4096);
            Stage(sb, "parse (InferRequestParser)", n, () => InferRequestParser.Parse(body, null, model.Signature, "bench").Dispose());
            using var request = InferRequestParser.Parse(body, null, model.Signature, "bench");
            Stage(sb, "run (OnnxModel.Run)", n, () =>
            {
                foreach (var t in model.Run(request.Inputs, names))
                {
                    t.Dispose();
                }
            });
            var outputs = model.Run(request.Inputs, names);
            Stage(sb, "write response (InferResponseWriter)", n, () =>
            {
                response.ResetWrittenCount();
                InferResponseWriter.Write(response, "bench", "1", null, outputs, request.Outputs, out _);
            });
        }

        var options = new ServerOptions
        {
            ModelUri = modelPath, ModelName = "bench", Host = "127.0.0.1", HttpPort = 0, GrpcPort = 0, IntraOpThreads = 1,
            ExecutionProvider = ExecutionProviderKind.Cpu, TerminationLogPath = Path.Combine(Path.GetTempPath(), "aiop-bench-termination.log"),
        };
        var app = ServerApp.Build(options, TimeProvider.System, l => l.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        try
        {
            var port = app.Services.GetRequiredService<ServerEndpoints>().HttpPort;
            var state = app.Services.GetRequiredService<ModelState>();
            var deadline = Stopwatch.StartNew();
            while (!state.Ready)
            {
                if (deadline.Elapsed > TimeSpan.FromMinutes(2))
                {
                    throw new TimeoutException("server did not become ready");
                }

                await Task.Delay(20);
            }

            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync("127.0.0.1", port);
            var head = Encoding.ASCII.GetBytes($"POST /v2/models/bench/infer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n");
            byte[] message = [.. head, .. body];
            var buffer = new byte[64 * 1024];
            for (var w = 0; w < 500; w++)
            {
                await RoundTrip(socket, message, buffer);
            }

            var before = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            for (var r = 0; r < n; r++)
            {
                await RoundTrip(socket, message, buffer);
            }

            var elapsed = clock.Elapsed;
            var bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
            sb.AppendLine(CultureInfo.InvariantCulture, $"| whole server over loopback, 1 connection (all threads) | {elapsed.TotalMicroseconds / n:0.0} | {(double)bytes / n:0} |");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        Console.WriteLine(sb.ToString());
        return 0;
    }

    private static void Stage(StringBuilder sb, string name, int n, Action action)
    {
        for (var w = 0; w < 200; w++)
        {
            action();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        for (var r = 0; r < n; r++)
        {
            action();
        }

        var elapsed = clock.Elapsed;
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {elapsed.TotalMicroseconds / n:0.0} | {(double)bytes / n:0} |");
    }

    // One request, then read until the response's Content-Length is satisfied; the buffer is reused.
    private static async Task RoundTrip(Socket socket, byte[] message, byte[] buffer)
    {
        await socket.SendAsync(message, SocketFlags.None);
        var total = 0;
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None);
            if (read == 0)
            {
                throw new IOException("server closed the connection");
            }

            total += read;
            var end = buffer.AsSpan(0, total).IndexOf("\r\n\r\n"u8);
            if (end < 0)
            {
                continue;
            }

            if (!buffer.AsSpan(0, 12).SequenceEqual("HTTP/1.1 200"u8))
            {
                throw new IOException("server answered " + Encoding.ASCII.GetString(buffer, 0, Math.Min(total, 200)));
            }

            var headers = buffer.AsSpan(0, end);
            var at = headers.IndexOf("Content-Length: "u8);
            var rest = headers[(at + 16)..];
            var stop = rest.IndexOf("\r\n"u8);
            var length = int.Parse(stop < 0 ? rest : rest[..stop], CultureInfo.InvariantCulture);
            if (total >= end + 4 + length)
            {
                return;
            }
        }
    }
}
