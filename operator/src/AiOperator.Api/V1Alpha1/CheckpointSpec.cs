using System.ComponentModel;
using System.Text.Json.Serialization;
using AiOperator.Api.Schema;

namespace AiOperator.Api.V1Alpha1;

[Description("A claim mounted into every worker; restarts resume from it.")]
public sealed class CheckpointSpec
{
    [JsonPropertyName("claimName"), RequiredField, SchemaPattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"), SchemaLength(1, 253)]
    [Description("PersistentVolumeClaim holding checkpoints.")]
    public string ClaimName { get; set; } = "";

    [JsonPropertyName("mountPath"), SchemaDefault("\"/checkpoints\""), SchemaPattern("^/.*$"), SchemaLength(maximum: 1024)]
    [Description("Where it is mounted; CHECKPOINT_DIR points there.")]
    public string? MountPath { get; set; }
}
