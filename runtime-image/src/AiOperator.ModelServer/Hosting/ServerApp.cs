using System.Net;
using AiOperator.ModelServer.Configuration;
using AiOperator.ModelServer.Grpc;
using AiOperator.ModelServer.Metrics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AiOperator.ModelServer.Hosting;

/// <summary>Builds the model server's web application from its options; Program and the tests both start it this way.</summary>
internal static class ServerApp
{
    public static WebApplication Build(ServerOptions options, TimeProvider time, Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(c =>
        {
            c.SingleLine = true;
            c.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            c.UseUtcTimestamp = true;
        });
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        // This category only has per-request lines at Information and Debug, but while any level of it is on,
        // ASP.NET Core starts an Activity (trace and span ids, an async-local) for every request to scope them.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        // ASP.NET Core gRPC logs every call that ends in an error status at Information, a bad message twice and with
        // a stack trace: a client could fill the log at will. Client errors get their answer without a log line, as
        // REST's do; an exception in a handler is still logged (at Error).
        builder.Logging.AddFilter("Grpc.AspNetCore.Server.ServerCallHandler", LogLevel.Warning);
        logging?.Invoke(builder.Logging);

        var endpoints = new ServerEndpoints();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // The endpoint enforces MaxRequestBytes itself and answers 413; Kestrel's own cap sits above
            // it so the rest of a too-large body can be drained and the client reads the 413 instead of
            // a connection reset in the middle of its upload.
            k.Limits.MaxRequestBodySize = options.MaxRequestBytes > long.MaxValue / 2 ? long.MaxValue : options.MaxRequestBytes * 2;
            Listen(k, options, options.HttpPort, l => endpoints.Http = l);
            // gRPC without TLS needs HTTP/2 with prior knowledge: its own port speaks nothing else.
            Listen(k, options, options.GrpcPort, l =>
            {
                l.Protocols = HttpProtocols.Http2;
                endpoints.Grpc = l;
            });
        });
        builder.Services.AddSingleton(endpoints);
        builder.Services.AddGrpc(g =>
        {
            // The same request-size limit as REST; larger messages get RESOURCE_EXHAUSTED.
            g.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, options.MaxRequestBytes);
            g.MaxSendMessageSize = null;
        });
        builder.Services.AddGrpcReflection();
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(options.DrainTimeoutSeconds + options.DrainDelaySeconds));

        var metrics = new ServerMetrics(options.ModelName, options.ModelVersion, new BusyRatio(time, TimeSpan.FromSeconds(10)), NvmlProbe.TryCreate());
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton<ModelState>();
        // Redirects are followed by ModelFetcher, within limits and never from https to http.
        builder.Services.AddHttpClient(ModelLoader.ModelDownloadClient)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        builder.Services.AddHostedService<ModelLoader>();
        builder.Services.AddHostedService<DrainService>();

        var app = builder.Build();
        var modelState = app.Services.GetRequiredService<ModelState>();
        app.Use((ctx, next) =>
        {
            // While draining, every HTTP/1.1 answer closes its connection: keep-alive clients, and proxies that
            // pin a connection to this pod (kube-proxy's conntrack, the local Service forwarder), reconnect
            // through the Service to a pod that stays instead of meeting this one after it stops.
            if (modelState.Draining && ctx.Request.Protocol == "HTTP/1.1")
            {
                ctx.Response.Headers.Connection = "close";
            }

            // gRPC checks each message's declared length against MaxReceiveMessageSize before buffering it
            // and answers RESOURCE_EXHAUSTED; Kestrel's body cap would cut the stream first and surface as UNKNOWN.
            if (ctx.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true
                && ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = null;
            }

            return next(ctx);
        });
        app.Use(async (ctx, next) =>
        {
            try
            {
                await next(ctx);
            }
            catch (Exception ex) when (!ctx.Response.HasStarted && ex is not OperationCanceledException)
            {
                app.Logger.LogError(ex, "Unhandled error on {Path}", ctx.Request.Path.Value);
                await OipEndpoints.WriteError(ctx, 500, "internal error");
                return;
            }

            // An error status with no body yet (no route, a wrong method) gets the OIP error body, as every
            // error of the endpoints has. (UseStatusCodePages does the same at a cost to every request.)
            if (ctx.Response is { HasStarted: false, StatusCode: >= 400 and < 600, ContentLength: null, ContentType: null })
            {
                await OipEndpoints.WriteError(ctx, ctx.Response.StatusCode, ctx.Response.StatusCode switch
                {
                    404 => $"no route for {ctx.Request.Method} {Truncate(ctx.Request.Path.Value)}",
                    405 => $"method {ctx.Request.Method} is not allowed on {Truncate(ctx.Request.Path.Value)}",
                    413 => $"request body is larger than the limit of {options.MaxRequestBytes} bytes",
                    _ => $"HTTP {ctx.Response.StatusCode}",
                });
            }
        });
        OipEndpoints.Map(app);
        app.MapGrpcService<InferenceGrpcService>();
        app.MapGrpcService<GrpcHealthService>();
        app.MapGrpcReflectionService();
        return app;
    }

    private static void Listen(KestrelServerOptions k, ServerOptions options, int port, Action<ListenOptions> configure)
    {
        switch (options.Host)
        {
            case "0.0.0.0" or "*" or "::":
                k.ListenAnyIP(port, configure);
                break;
            case "localhost":
                k.ListenLocalhost(port, configure);
                break;
            default:
                k.Listen(IPAddress.TryParse(options.Host, out var ip) ? ip : throw new OptionsException($"--host '{options.Host}' is not an IP address"), port, configure);
                break;
        }
    }

    private static string Truncate(string? s) => s is null ? "" : s.Length > 100 ? s[..100] : s;
}
