using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace AiOperator.Api.V1Alpha1;

[KubernetesEntity(Group = GroupVersion.Group, ApiVersion = GroupVersion.Version, Kind = "TrainingJob", PluralName = "trainingjobs")]
[Description("TrainingJob runs distributed training as one gang of GPU pods and hands its output model to ModelDeployments.")]
public sealed class TrainingJob : IKubernetesObject<V1ObjectMeta>, ISpec<TrainingJobSpec>, IStatus<TrainingJobStatus?>
{
    public const string KindName = "TrainingJob";
    public const string Plural = "trainingjobs";
    public const string Singular = "trainingjob";
    public const string ShortName = "tj";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = GroupVersion.ApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public TrainingJobSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public TrainingJobStatus? Status { get; set; }
}
