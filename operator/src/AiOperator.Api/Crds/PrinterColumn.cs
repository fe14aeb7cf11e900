namespace AiOperator.Api.Crds;

/// <summary>One column of <c>kubectl get</c> for a custom resource.</summary>
public sealed record PrinterColumn(string Name, string Type, string JsonPath, string? Description = null, int Priority = 0);
