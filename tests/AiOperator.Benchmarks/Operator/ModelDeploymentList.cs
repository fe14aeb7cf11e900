using System.Text.Json.Serialization;
using AiOperator.Api.V1Alpha1;
using k8s.Models;

namespace AiOperator.Benchmarks.Operator;

internal sealed class ModelDeploymentList
{
    [JsonPropertyName("metadata")] public V1ListMeta? Metadata { get; set; }

    [JsonPropertyName("items")] public IList<ModelDeployment> Items { get; set; } = [];
}
