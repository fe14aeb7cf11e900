using AiOperator.ModelServer.Protocol;

namespace AiOperator.ModelServer.Batching;

/// <summary>What the scheduler needs of a model: one synchronous run. The ONNX session is the production one.</summary>
internal interface IModelRunner
{
    List<InferenceTensor> Run(IReadOnlyList<InferenceTensor> inputs, IReadOnlyList<string> outputNames);
}
