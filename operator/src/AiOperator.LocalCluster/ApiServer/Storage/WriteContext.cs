namespace AiOperator.LocalCluster.ApiServer.Storage;

// Per-request write settings: who writes (fieldManager), dryRun, apply force, fieldValidation.
internal sealed record WriteContext(string Manager, bool DryRun, bool Force, FieldValidation Validation)
{
    public List<string> Warnings { get; } = [];
}
