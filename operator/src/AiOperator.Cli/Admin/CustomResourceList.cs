using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace AiOperator.Cli.Admin;

/// <summary>The list envelope the API server returns for a custom resource.</summary>
internal sealed class CustomResourceList<T> : IKubernetesObject<V1ListMeta>, IItems<T>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<T> Items { get; set; } = [];
}
