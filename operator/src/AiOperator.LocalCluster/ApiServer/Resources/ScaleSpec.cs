namespace AiOperator.LocalCluster.ApiServer.Resources;

// JSON paths (".spec.replicas" form) the scale subresource reads and writes.
internal sealed record ScaleSpec(string SpecReplicasPath, string StatusReplicasPath, string? LabelSelectorPath);
