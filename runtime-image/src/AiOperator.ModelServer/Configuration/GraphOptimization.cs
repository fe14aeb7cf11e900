namespace AiOperator.ModelServer.Configuration;

/// <summary>ONNX Runtime graph optimisation level, named as on the command line.</summary>
internal enum GraphOptimization
{
    Disabled,
    Basic,
    Extended,
    All,
}
