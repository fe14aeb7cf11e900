using System.Text.Json.Serialization;
using AiOperator.Api.V1Alpha1;

namespace AiOperator.Benchmarks.Operator;

internal sealed class ModelDeploymentList
{
    [JsonPropertyName("items")] public IList<ModelDeployment> Items { get; set; } = [];
}
