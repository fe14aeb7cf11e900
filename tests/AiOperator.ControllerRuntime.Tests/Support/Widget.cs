using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Support;

/// <summary>A tiny custom resource for tests, shaped like the operator's own CR types.</summary>
[KubernetesEntity(Group = WidgetCrd.Group, ApiVersion = "v1", Kind = "Widget", PluralName = "widgets")]
public sealed class Widget : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{WidgetCrd.Group}/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "Widget";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public WidgetSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public WidgetStatus? Status { get; set; }
}
