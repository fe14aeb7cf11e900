namespace AiOperator.ModelServer.Configuration;

/// <summary>Which ONNX Runtime execution provider the session should use.</summary>
internal enum ExecutionProviderKind
{
    Auto,
    Cuda,
    TensorRT,
    Cpu,
}
