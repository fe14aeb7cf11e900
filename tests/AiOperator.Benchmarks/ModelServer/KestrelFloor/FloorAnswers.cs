using AiOperator.ModelServer.Grpc.Protocol;

namespace AiOperator.Benchmarks.ModelServer.KestrelFloor;

/// <summary>The fixed answers the floor server gives: the bytes our server answered to the benchmark's own requests.</summary>
internal sealed record FloorAnswers(byte[] Rest, ModelInferResponse Grpc);
