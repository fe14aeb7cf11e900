namespace AiOperator.ModelServer.Model;

/// <summary>The model's inputs and outputs as the protocol sees them.</summary>
internal sealed record ModelSignature(IReadOnlyList<TensorSpec> Inputs, IReadOnlyList<TensorSpec> Outputs)
{
    /// <summary>Requests can be stacked along the first dimension only if every input and output has it dynamic.</summary>
    public bool HasDynamicBatchDimension =>
        Inputs.Count > 0
        && Inputs.All(i => i.Dims.Length > 0 && i.Dims[0] < 0)
        && Outputs.All(o => o.Dims.Length > 0 && o.Dims[0] < 0);

    public TensorSpec? FindInput(string name) => Inputs.FirstOrDefault(i => i.Name == name);

    public TensorSpec? FindOutput(string name) => Outputs.FirstOrDefault(o => o.Name == name);
}
