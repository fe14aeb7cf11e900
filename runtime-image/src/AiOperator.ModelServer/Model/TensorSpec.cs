using Microsoft.ML.OnnxRuntime.Tensors;

namespace AiOperator.ModelServer.Model;

/// <summary>An input or output of the model: name, element type and dimensions, -1 where dynamic.</summary>
internal sealed record TensorSpec(string Name, TensorElementType ElementType, long[] Dims);
