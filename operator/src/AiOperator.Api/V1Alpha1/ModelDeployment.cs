using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace AiOperator.Api.V1Alpha1;

[KubernetesEntity(Group = GroupVersion.Group, ApiVersion = GroupVersion.Version, Kind = "ModelDeployment", PluralName = "modeldeployments")]
[Description("ModelDeployment serves one ONNX model behind one stable Service and owns its lifecycle: deploy, monitor, autoscale, progressive upgrade and rollback.")]
public sealed class ModelDeployment : IKubernetesObject<V1ObjectMeta>, ISpec<ModelDeploymentSpec>, IStatus<ModelDeploymentStatus?>
{
    public const string KindName = "ModelDeployment";
    public const string Plural = "modeldeployments";
    public const string Singular = "modeldeployment";
    public const string ShortName = "mdep";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = GroupVersion.ApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public ModelDeploymentSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public ModelDeploymentStatus? Status { get; set; }
}
