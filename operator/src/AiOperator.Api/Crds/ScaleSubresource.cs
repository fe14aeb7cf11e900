namespace AiOperator.Api.Crds;

/// <summary>Paths of the scale subresource, so <c>kubectl scale</c> and HPAs work.</summary>
public sealed record ScaleSubresource(string SpecReplicasPath, string StatusReplicasPath, string LabelSelectorPath);
