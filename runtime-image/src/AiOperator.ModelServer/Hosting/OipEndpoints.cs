using System.Buffers;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using AiOperator.ModelServer.Model;
using AiOperator.ModelServer.Protocol;

namespace AiOperator.ModelServer.Hosting;

/// <summary>The Open Inference Protocol v2 REST routes, with Triton's status codes and error body.</summary>
internal static class OipEndpoints
{
    public const string HeaderLength = "Inference-Header-Content-Length";

    public static readonly string ServerVersion =
        typeof(OipEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static void Map(WebApplication app)
    {
        // Singletons taken once here rather than bound per request: a service parameter would make every
        // request create (and dispose) a DI scope for them.
        var s = app.Services.GetRequiredService<ModelState>();
        var t = app.Services.GetRequiredService<TimeProvider>();
        app.MapGet("/v2", ServerMetadata);
        app.MapGet("/v2/health/live", (HttpContext ctx) => WriteJson(ctx, 200, w => w.WriteBoolean("live", true)));
        app.MapGet("/v2/health/ready", (HttpContext ctx) => WriteJson(ctx, s.Ready ? 200 : 503, w => w.WriteBoolean("ready", s.Ready)));
        app.MapGet("/v2/models/{name}", (HttpContext ctx, string name) => ModelMetadata(ctx, s, name, null));
        app.MapGet("/v2/models/{name}/versions/{version}", (HttpContext ctx, string name, string version) => ModelMetadata(ctx, s, name, version));
        app.MapGet("/v2/models/{name}/ready", (HttpContext ctx, string name) => ModelReady(ctx, s, name, null));
        app.MapGet("/v2/models/{name}/versions/{version}/ready", (HttpContext ctx, string name, string version) => ModelReady(ctx, s, name, version));
        app.MapPost("/v2/models/{name}/infer", (HttpContext ctx, string name) => Infer(ctx, s, t, name, null));
        app.MapPost("/v2/models/{name}/versions/{version}/infer", (HttpContext ctx, string name, string version) => Infer(ctx, s, t, name, version));
        app.MapGet("/metrics", async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await ctx.Response.WriteAsync(s.Metrics.Render());
        });
    }

    public static Task WriteError(HttpContext ctx, int status, string message)
    {
        if (status == 503)
        {
            ctx.Response.Headers.RetryAfter = "1";
        }

        return WriteJson(ctx, status, w => w.WriteString("error", message));
    }

    private static Task ServerMetadata(HttpContext ctx) => WriteJson(ctx, 200, w =>
    {
        w.WriteString("name", "aiop-model-server");
        w.WriteString("version", ServerVersion);
        w.WriteStartArray("extensions");
        w.WriteStringValue("binary_tensor_data");
        w.WriteEndArray();
    });

    private static Task ModelMetadata(HttpContext ctx, ModelState s, string name, string? version)
    {
        if (Unknown(s, name, version) is { } notFound)
        {
            return WriteError(ctx, 404, notFound);
        }

        if (s.Model is not { } model)
        {
            return WriteError(ctx, 503, s.NotReadyReason);
        }

        return WriteJson(ctx, 200, w =>
        {
            w.WriteString("name", s.Options.ModelName);
            w.WriteStartArray("versions");
            w.WriteStringValue(s.Options.ModelVersion);
            w.WriteEndArray();
            w.WriteString("platform", "onnx_onnxv1");
            WriteSpecs(w, "inputs", model.Signature.Inputs);
            WriteSpecs(w, "outputs", model.Signature.Outputs);
            w.WriteStartObject("parameters");
            w.WriteString("execution_provider", model.ActiveProvider);
            w.WriteEndObject();
        });
    }

    private static Task ModelReady(HttpContext ctx, ModelState s, string name, string? version)
    {
        if (Unknown(s, name, version) is { } notFound)
        {
            return WriteError(ctx, 404, notFound);
        }

        return WriteJson(ctx, s.Ready ? 200 : 503, w =>
        {
            w.WriteString("name", s.Options.ModelName);
            w.WriteBoolean("ready", s.Ready);
            if (!s.Ready)
            {
                w.WriteString("reason", s.NotReadyReason);
            }
        });
    }

    private static async Task Infer(HttpContext ctx, ModelState s, TimeProvider time, string name, string? version)
    {
        if (Unknown(s, name, version) is { } notFound)
        {
            await WriteError(ctx, 404, notFound);
            return;
        }

        var start = time.GetTimestamp();
        var ok = false;
        s.Metrics.RequestStarted();
        byte[]? body = null;
        var reading = false;
        Batching.InferenceScheduler? arriving = null;
        try
        {
            if (!s.CanInfer || s.Scheduler is not { } scheduler || s.Model is not { } model)
            {
                throw new InferenceException(503, s.NotReadyReason);
            }

            if (!s.Reads.TryEnter())
            {
                throw new InferenceException(503, $"too many requests are being read ({s.Reads.Limit}); retry later");
            }

            reading = true;
            scheduler.BeginArrival();
            arriving = scheduler;
            var read = await RequestBodyReader.ReadAsync(ctx.Request.Body, ctx.Request.ContentLength, s.Options.MaxRequestBytes, ctx.RequestAborted);
            body = read.Buffer;
            var length = read.Length;
            int? jsonLength = null;
            if (ctx.Request.Headers.TryGetValue(HeaderLength, out var headerValue))
            {
                jsonLength = int.TryParse(headerValue.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                    ? n
                    : throw InferenceException.BadRequest($"{HeaderLength} must be a non-negative integer");
            }

            using var request = InferRequestParser.Parse(body.AsMemory(0, length), jsonLength, model.Signature, s.Options.ModelName);
            ArrayPool<byte>.Shared.Return(body);
            body = null;
            s.Reads.Exit();
            reading = false;

            arriving = null;
            scheduler.EndArrival();
            var outputs = await scheduler.InferAsync(request);
            try
            {
                using var buffer = new PooledBufferWriter(4096);
                var jsonBytes = InferResponseWriter.Write(buffer, s.Options.ModelName, s.Options.ModelVersion, request.Id, outputs, request.Outputs, out var hasBinary);
                ctx.Response.StatusCode = 200;
                if (hasBinary)
                {
                    ctx.Response.ContentType = "application/octet-stream";
                    ctx.Response.Headers[HeaderLength] = jsonBytes.ToString(CultureInfo.InvariantCulture);
                }
                else
                {
                    ctx.Response.ContentType = "application/json";
                }

                ctx.Response.ContentLength = buffer.WrittenCount;
                ok = true;
                await ctx.Response.Body.WriteAsync(buffer.WrittenMemory);
            }
            finally
            {
                foreach (var t in outputs)
                {
                    t.Dispose();
                }
            }
        }
        catch (InferenceException ex)
        {
            await WriteError(ctx, ex.StatusCode, ex.Message);
        }
        catch (BadHttpRequestException ex)
        {
            await WriteError(ctx, ex.StatusCode, ex.StatusCode == 413
                ? $"request body is larger than the limit of {s.Options.MaxRequestBytes} bytes"
                : "the request body could not be read");
        }
        finally
        {
            if (body is not null)
            {
                ArrayPool<byte>.Shared.Return(body);
            }

            if (reading)
            {
                s.Reads.Exit();
            }

            arriving?.EndArrival();

            s.Metrics.RequestFinished(ok, time.GetElapsedTime(start));
        }
    }

    public static string? Unknown(ModelState s, string name, string? version)
    {
        if (name != s.Options.ModelName)
        {
            return $"Request for unknown model: '{(name.Length > 64 ? name[..64] : name)}' is not found";
        }

        return version is not null && version != s.Options.ModelVersion
            ? $"Request for unknown model: '{name}' version {(version.Length > 32 ? version[..32] : version)} is not found"
            : null;
    }

    private static void WriteSpecs(Utf8JsonWriter w, string property, IReadOnlyList<TensorSpec> specs)
    {
        w.WriteStartArray(property);
        foreach (var spec in specs)
        {
            w.WriteStartObject();
            w.WriteString("name", spec.Name);
            w.WriteString("datatype", OipDatatype.Name(spec.ElementType));
            w.WriteStartArray("shape");
            foreach (var d in spec.Dims)
            {
                w.WriteNumberValue(d < 0 ? -1 : d);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static async Task WriteJson(HttpContext ctx, int status, Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = buffer.WrittenCount;
        await ctx.Response.Body.WriteAsync(buffer.WrittenMemory);
    }
}
