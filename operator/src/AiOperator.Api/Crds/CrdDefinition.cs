namespace AiOperator.Api.Crds;

/// <summary>Everything a CRD needs beyond the schema of its root type.</summary>
public sealed record CrdDefinition(
    Type RootType,
    string Kind,
    string Plural,
    string Singular,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<PrinterColumn> PrinterColumns,
    ScaleSubresource? Scale)
{
    public string Name => $"{Plural}.{V1Alpha1.GroupVersion.Group}";

    /// <summary>Longest metadata.name the schema accepts (names must also be DNS-1035 labels).</summary>
    public int NameMaxLength { get; init; } = Validation.ObjectNameRules.ModelDeploymentMaxLength;

    public string FileName => $"{V1Alpha1.GroupVersion.Group}_{Plural}.yaml";
}
