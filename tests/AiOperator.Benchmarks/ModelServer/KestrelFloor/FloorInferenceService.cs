using AiOperator.ModelServer.Grpc.Protocol;
using Grpc.Core;

namespace AiOperator.Benchmarks.ModelServer.KestrelFloor;

/// <summary>ModelInfer with no model behind it: the generated code parses the request, a fixed response goes back.</summary>
internal sealed class FloorInferenceService(FloorAnswers answers) : GRPCInferenceService.GRPCInferenceServiceBase
{
    public override Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context) =>
        Task.FromResult(answers.Grpc);
}
