using System.Net;
using AiOperator.ControllerRuntime.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AiOperator.ControllerRuntime.Hosting;

/// <summary>Kestrel serving /healthz, /readyz and /metrics (Prometheus text) and nothing else.</summary>
internal sealed class ProbeServer(
    IPAddress address,
    int port,
    Func<HealthReport> liveness,
    Func<CancellationToken, Task<HealthReport>> readiness,
    MetricsRegistry metrics) : IAsyncDisposable
{
    private WebApplication? _app;

    public Uri? Address { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o =>
        {
            o.Listen(address, port);
            o.Limits.MaxRequestBodySize = 0;
            o.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
        });
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        app.MapGet("/healthz", () => Answer(liveness()));
        app.MapGet("/livez", () => Answer(liveness()));
        app.MapGet("/readyz", async (CancellationToken ct) => Answer(await readiness(ct)));
        app.MapGet("/metrics", () => Results.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"));
        await app.StartAsync(cancellationToken);
        _app = app;
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        Address = bound is null ? null : new Uri(bound.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }

    private static IResult Answer(HealthReport report) =>
        Results.Text(report.Text, "text/plain", statusCode: report.Healthy ? StatusCodes.Status200OK : StatusCodes.Status500InternalServerError);
}
