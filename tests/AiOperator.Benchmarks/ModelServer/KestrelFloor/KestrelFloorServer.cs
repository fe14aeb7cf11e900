using System.Globalization;
using System.Net;
using AiOperator.ModelServer.Grpc.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiOperator.Benchmarks.ModelServer.KestrelFloor;

/// <summary>
/// The least an ASP.NET Core server can do per inference request: Kestrel, set up as the model server sets it up
/// (a slim builder, no logging per request, socket completions inline, an HTTP/1.1 port and an HTTP/2 gRPC port),
/// with a POST route that reads the whole body and answers fixed bytes and a ModelInfer that answers a fixed
/// message. No parsing beyond gRPC's own, no model, no scheduler, no metrics. Run as a child process by
/// <see cref="KestrelFloorBenchmark"/>: floor-server --http-port N --grpc-port N --rest-answer FILE --grpc-answer FILE.
/// </summary>
internal static class KestrelFloorServer
{
    public static async Task<int> RunAsync(string[] args)
    {
        var httpPort = int.Parse(Arg(args, "--http-port"), CultureInfo.InvariantCulture);
        var grpcPort = int.Parse(Arg(args, "--grpc-port"), CultureInfo.InvariantCulture);
        var answers = new FloorAnswers(
            await File.ReadAllBytesAsync(Arg(args, "--rest-answer")),
            ModelInferResponse.Parser.ParseFrom(await File.ReadAllBytesAsync(Arg(args, "--grpc-answer"))));

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, httpPort);
            k.Listen(IPAddress.Loopback, grpcPort, l => l.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddSingleton(answers);
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGet("/v2/health/ready", () => Results.Ok());
        app.MapPost("/v2/models/bench/infer", async (HttpContext context) =>
        {
            var body = context.Request.BodyReader;
            while (true)
            {
                var read = await body.ReadAsync();
                body.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }

            context.Response.ContentType = "application/json";
            context.Response.ContentLength = answers.Rest.Length;
            await context.Response.Body.WriteAsync(answers.Rest);
        });
        app.MapGrpcService<FloorInferenceService>();
        await app.RunAsync();
        return 0;
    }

    private static string Arg(string[] args, string name) =>
        CommandArgs.Value(args, name) ?? throw new ArgumentException($"floor-server needs {name}");
}
