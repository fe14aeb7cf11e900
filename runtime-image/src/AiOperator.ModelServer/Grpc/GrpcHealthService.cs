using AiOperator.ModelServer.Grpc.Protocol;
using AiOperator.ModelServer.Hosting;
using AiOperator.ModelServer.Protocol;
using Grpc.Core;
using Grpc.Health.V1;
using static Grpc.Health.V1.HealthCheckResponse.Types;

namespace AiOperator.ModelServer.Grpc;

/// <summary>
/// The standard gRPC health service (grpc.health.v1.Health), which Kubernetes gRPC probes, grpc_health_probe and
/// load balancers ask. The server as a whole ("") and the inference service are SERVING exactly when REST
/// readiness holds: the model is loaded and the server is not draining. Read from the model state on every
/// call, so no timer stands between a change and what a probe sees.
/// </summary>
internal sealed class GrpcHealthService(ModelState state) : HealthServiceBase
{
    private static readonly string InferenceService = GRPCInferenceService.Descriptor.FullName;

    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context) =>
        StatusOf(request.Service) is { } status
            ? Task.FromResult(new HealthCheckResponse { Status = status })
            : throw new RpcException(new Status(StatusCode.NotFound, $"unknown service '{InferRequestParser.Shown(request.Service)}'"));

    /// <summary>
    /// Sends the status at once and again on every change. An unknown service is answered SERVICE_UNKNOWN and the
    /// call stays open, as the protocol asks. Once the server drains, the last status (NOT_SERVING) is sent and the
    /// call ends, so open watches do not hold the shutdown up for the whole drain timeout.
    /// </summary>
    public override async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        ServingStatus? sent = null;
        while (true)
        {
            var change = state.ReadinessChange;
            var status = StatusOf(request.Service) ?? ServingStatus.ServiceUnknown;
            if (status != sent)
            {
                await responseStream.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken);
                sent = status;
            }

            if (state.Draining)
            {
                return;
            }

            try
            {
                await change.WaitAsync(context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;   // the client went away
            }
        }
    }

    private ServingStatus? StatusOf(string service) =>
        service.Length == 0 || service == InferenceService
            ? state.Ready ? ServingStatus.Serving : ServingStatus.NotServing
            : null;
}
