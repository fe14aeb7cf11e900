namespace AiOperator.ModelServer.Protocol;

/// <summary>A validated inference request: inputs matching the model, outputs resolved.</summary>
internal sealed record InferRequest(string? Id, IReadOnlyList<InferenceTensor> Inputs, IReadOnlyList<RequestedOutput> Outputs) : IDisposable
{
    public void Dispose()
    {
        foreach (var input in Inputs)
        {
            input.Dispose();
        }
    }
}
