using AiOperator.ModelServer.Grpc.Protocol;
using AiOperator.ModelServer.Hosting;
using AiOperator.ModelServer.Protocol;
using Grpc.Core;

namespace AiOperator.ModelServer.Grpc;

/// <summary>
/// The Open Inference Protocol over gRPC: the same model state, read bound, batching queue, limits and
/// error messages as the REST routes; Triton's HTTP statuses map to gRPC codes.
/// </summary>
internal sealed class InferenceGrpcService(ModelState state, TimeProvider time) : InferenceServiceBase
{
    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = state.Ready });

    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
    {
        CheckKnown(request.Name, request.Version);
        return Task.FromResult(new ModelReadyResponse { Ready = state.Ready });
    }

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context)
    {
        var response = new ServerMetadataResponse { Name = "aiop-model-server", Version = OipEndpoints.ServerVersion };
        response.Extensions.Add("binary_tensor_data");
        return Task.FromResult(response);
    }

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        CheckKnown(request.Name, request.Version);
        if (state.Model is not { } model)
        {
            throw Error(503, state.NotReadyReason);
        }

        var response = new ModelMetadataResponse { Name = state.Options.ModelName, Platform = "onnx_onnxv1" };
        response.Versions.Add(state.Options.ModelVersion);
        foreach (var (specs, target) in new[] { (model.Signature.Inputs, response.Inputs), (model.Signature.Outputs, response.Outputs) })
        {
            foreach (var spec in specs)
            {
                var tensor = new ModelMetadataResponse.Types.TensorMetadata { Name = spec.Name, Datatype = OipDatatype.Name(spec.ElementType) };
                tensor.Shape.AddRange(spec.Dims.Select(d => d < 0 ? -1 : d));
                target.Add(tensor);
            }
        }

        return Task.FromResult(response);
    }

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        CheckKnown(request.ModelName, request.ModelVersion);
        var start = time.GetTimestamp();
        var ok = false;
        var metrics = state.Metrics;
        metrics.RequestStarted();
        try
        {
            if (!state.CanInfer || state.Scheduler is not { } scheduler || state.Model is not { } model)
            {
                throw new InferenceException(503, state.NotReadyReason);
            }

            // gRPC has read the message already; the bound still caps how many are converted at once.
            if (!state.Reads.TryEnter())
            {
                throw new InferenceException(503, $"too many requests are being read ({state.Reads.Limit}); retry later");
            }

            InferRequest parsed;
            bool raw;
            scheduler.BeginArrival();
            try
            {
                (parsed, raw) = GrpcRequestParser.Parse(request, model.Signature, state.Options.ModelName);
            }
            finally
            {
                scheduler.EndArrival();
                state.Reads.Exit();
            }

            using (parsed)
            {
                var outputs = await scheduler.InferAsync(parsed);
                try
                {
                    var response = GrpcResponseBuilder.Build(state.Options.ModelName, state.Options.ModelVersion, parsed.Id, outputs, raw);
                    ok = true;
                    return response;
                }
                finally
                {
                    foreach (var t in outputs)
                    {
                        t.Dispose();
                    }
                }
            }
        }
        catch (InferenceException ex)
        {
            throw Error(ex.StatusCode, ex.Message);
        }
        finally
        {
            metrics.RequestFinished(ok, time.GetElapsedTime(start), grpc: true);
        }
    }

    private void CheckKnown(string name, string version)
    {
        if (OipEndpoints.Unknown(state, name, string.IsNullOrEmpty(version) ? null : version) is { } notFound)
        {
            throw Error(404, notFound);
        }
    }

    /// <summary>Triton's HTTP status for an error, as the gRPC code its gRPC endpoint uses.</summary>
    public static RpcException Error(int httpStatus, string message)
    {
        var code = httpStatus switch
        {
            400 => StatusCode.InvalidArgument,
            404 => StatusCode.NotFound,
            413 => StatusCode.ResourceExhausted,
            503 => StatusCode.Unavailable,
            _ => StatusCode.Internal,
        };
        var trailers = new Metadata();
        if (httpStatus == 503)
        {
            trailers.Add("retry-after", "1");
        }

        return new RpcException(new Status(code, message), trailers);
    }
}
