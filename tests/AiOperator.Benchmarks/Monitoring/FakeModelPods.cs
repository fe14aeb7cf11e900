using System.Globalization;
using System.Net;
using AiOperator.ModelServer.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AiOperator.Benchmarks.Monitoring;

// The scraper benchmark's model pods, run as a child process so their CPU and memory are not the
// scraper's: one Kestrel listener on every local address, each pod a loopback address (127.1.x.y) with
// the model server's own ServerMetrics, driven by a trickle of simulated requests, rendering its real
// /metrics body. Usage (started by the scraper scenario): scraper-pods <count> <port>
internal static class FakeModelPods
{
    public static IPAddress Address(int pod) => new([127, 1, (byte)(pod / 250), (byte)((pod % 250) + 1)]);

    public static async Task<int> RunAsync(string[] args)
    {
        var count = int.Parse(args[0], CultureInfo.InvariantCulture);
        var port = int.Parse(args[1], CultureInfo.InvariantCulture);
        var pods = new Dictionary<IPAddress, ServerMetrics>();
        for (var i = 0; i < count; i++)
        {
            var metrics = new ServerMetrics($"model-{i / 10}", "1", new BusyRatio(TimeProvider.System, TimeSpan.FromSeconds(10)), null)
            {
                Ready = true,
                Provider = "CPUExecutionProvider",
            };
            pods[Address(i)] = metrics;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Any, port));
        await using var app = builder.Build();
        app.MapGet("/metrics", (HttpContext context) =>
        {
            var local = context.Connection.LocalIpAddress?.MapToIPv4();
            return local is not null && pods.TryGetValue(local, out var pod)
                ? Results.Text(pod.Render(), "text/plain; version=0.0.4; charset=utf-8")
                : Results.NotFound();
        });
        await app.StartAsync();

        // Each pod serves a few requests between scrapes, so counters and histogram buckets move as a real pod's do.
        using var stop = new CancellationTokenSource();
        var traffic = Task.Run(async () =>
        {
            var random = new Random(1);
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                foreach (var pod in pods.Values)
                {
                    for (var r = random.Next(0, 4); r > 0; r--)
                    {
                        pod.RequestStarted();
                        pod.Busy.Enter();
                        pod.Executed(1, TimeSpan.FromMilliseconds(random.Next(5, 40)));
                        pod.Busy.Exit();
                        pod.RequestFinished(random.Next(100) != 0, TimeSpan.FromMilliseconds(random.Next(5, 120)));
                    }
                }
            }
        });

        Console.WriteLine($"ready {pods.Values.First().Render().Length} bytes per /metrics body");
        await Console.In.ReadLineAsync(); // the parent closes stdin (or exits) to stop the pods
        await stop.CancelAsync();
        try
        {
            await traffic;
        }
        catch (OperationCanceledException)
        {
        }

        await app.StopAsync();
        return 0;
    }
}
