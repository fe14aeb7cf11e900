using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AiOperator.ModelServer.Tests.Support;

// aiop-gpu-check make-model PATH
// aiop-gpu-check wait URL MODEL SECONDS
// aiop-gpu-check provider URL MODEL            -> prints the execution provider from model metadata
// aiop-gpu-check load URL MODEL SECONDS C1,C2  -> markdown rows: concurrency, req/s, p50, p99
// aiop-gpu-check metrics URL NAME...           -> prints each series; exit 1 if one is missing
try
{
    return args.FirstOrDefault() switch
    {
        "make-model" => MakeModel(args[1]),
        "wait" => await Wait(args[1], args[2], double.Parse(args[3], CultureInfo.InvariantCulture)),
        "provider" => await Provider(args[1], args[2]),
        "load" => await Load(args[1], args[2], double.Parse(args[3], CultureInfo.InvariantCulture), args[4].Split(',').Select(int.Parse).ToArray()),
        "metrics" => await Metrics(args[1], args[2..]),
        _ => Usage(),
    };
}
catch (Exception ex) when (ex is HttpRequestException or IndexOutOfRangeException or FormatException or TimeoutException)
{
    Console.Error.WriteLine($"aiop-gpu-check: {ex.Message}");
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("usage: aiop-gpu-check make-model PATH | wait URL MODEL SECONDS | provider URL MODEL | load URL MODEL SECONDS C1,C2,.. | metrics URL NAME..");
    return 2;
}

// A weight-bound MLP (1024 -> 4096 -> 4096 -> 1024, about 100 MB of FP32 weights) with a dynamic batch dimension.
static int MakeModel(string path)
{
    int[] widths = [1024, 4096, 4096, 1024];
    var b = new OnnxGraphBuilder("gpu_mlp").Input("x", 1, -1, widths[0]).Output("y", 1, -1, widths[^1]);
    var random = new Random(1);
    var current = "x";
    for (var l = 0; l < widths.Length - 1; l++)
    {
        var w = new float[widths[l] * widths[l + 1]];
        for (var i = 0; i < w.Length; i++)
        {
            w[i] = (float)(random.NextDouble() - 0.5) / 32;
        }

        var bytes = new byte[w.Length * 4];
        Buffer.BlockCopy(w, 0, bytes, 0, bytes.Length);
        b.Initializer($"w{l}", 1, [widths[l], widths[l + 1]], bytes);
        var last = l == widths.Length - 2;
        b.Node("MatMul", [current, $"w{l}"], [last ? "y" : $"m{l}"]);
        if (!last)
        {
            b.Node("Relu", [$"m{l}"], [$"r{l}"]);
            current = $"r{l}";
        }
    }

    File.WriteAllBytes(path, b.Build());
    Console.WriteLine($"wrote {path}");
    return 0;
}

static async Task<int> Wait(string url, string model, double seconds)
{
    using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(5) };
    var deadline = Stopwatch.StartNew();
    using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
    while (deadline.Elapsed.TotalSeconds < seconds)
    {
        try
        {
            using var r = await client.GetAsync($"/v2/models/{model}/ready");
            var body = await r.Content.ReadAsStringAsync();
            if (r.IsSuccessStatusCode)
            {
                return 0;
            }

            if (body.Contains("failed to load", StringComparison.Ordinal))
            {
                Console.Error.WriteLine(body);
                return 1;
            }
        }
        catch (HttpRequestException)
        {
        }
        catch (TaskCanceledException)
        {
        }

        await poll.WaitForNextTickAsync();
    }

    Console.Error.WriteLine($"model {model} not ready after {seconds} s");
    return 1;
}

static async Task<int> Provider(string url, string model)
{
    using var client = new HttpClient { BaseAddress = new Uri(url) };
    var meta = JsonNode.Parse(await client.GetStringAsync($"/v2/models/{model}"))!;
    Console.WriteLine(meta["parameters"]?["execution_provider"]?.GetValue<string>() ?? "unknown");
    return 0;
}

static async Task<int> Load(string url, string model, double seconds, int[] concurrencies)
{
    var data = new byte[1024 * 4];
    var random = new Random(3);
    for (var i = 0; i < 1024; i++)
    {
        BitConverter.TryWriteBytes(data.AsSpan(i * 4), (float)random.NextDouble());
    }

    var json = Encoding.UTF8.GetBytes("""{"inputs":[{"name":"x","shape":[1,1024],"datatype":"FP32","parameters":{"binary_data_size":4096}}],"parameters":{"binary_data_output":true}}""");
    byte[] body = [.. json, .. data];
    var failed = false;
    Console.WriteLine("| concurrency | throughput (req/s) | p50 (ms) | p99 (ms) | requests | errors |");
    Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
    foreach (var c in concurrencies)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = c + 1 }) { BaseAddress = new Uri(url) };
        var latencies = new List<double>[c];
        var errors = 0;
        var measuring = false;
        var stop = false;
        var workers = Enumerable.Range(0, c).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = [];
            while (!Volatile.Read(ref stop))
            {
                var start = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                content.Headers.Add("Inference-Header-Content-Length", json.Length.ToString(CultureInfo.InvariantCulture));
                using var response = await client.PostAsync($"/v2/models/{model}/infer", content);
                await response.Content.ReadAsByteArrayAsync();
                if (Volatile.Read(ref measuring))
                {
                    mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
            }
        })).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(Math.Min(3, seconds / 3)));
        var clock = Stopwatch.StartNew();
        Volatile.Write(ref measuring, true);
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        Volatile.Write(ref measuring, false);
        var elapsed = clock.Elapsed.TotalSeconds;
        Volatile.Write(ref stop, true);
        await Task.WhenAll(workers);
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double P(double p) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {c} | {all.Length / elapsed:0.0} | {P(0.5):0.00} | {P(0.99):0.00} | {all.Length} | {errors} |"));
        failed |= errors > 0 || all.Length == 0;
    }

    return failed ? 1 : 0;
}

static async Task<int> Metrics(string url, string[] names)
{
    using var client = new HttpClient { BaseAddress = new Uri(url) };
    var lines = (await client.GetStringAsync("/metrics")).Split('\n').Where(l => l.Length > 0 && l[0] != '#').ToList();
    var missing = 0;
    foreach (var name in names)
    {
        var found = lines.Where(l => l.StartsWith(name, StringComparison.Ordinal)).ToList();
        if (found.Count == 0)
        {
            Console.WriteLine($"MISSING {name}");
            missing++;
        }

        found.ForEach(Console.WriteLine);
    }

    return missing == 0 ? 0 : 1;
}
