using System.ComponentModel;
using System.Text.Json.Serialization;
using AiOperator.Api.Schema;

namespace AiOperator.Api.V1Alpha1;

[Description("Rendezvous settings injected as MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK and the PET_* variables.")]
public sealed class DistributedSpec
{
    [JsonPropertyName("masterPort"), SchemaDefault("29500"), SchemaRange(minimum: 1, maximum: 65535)]
    [Description("Port of rank 0's rendezvous endpoint.")]
    public int? MasterPort { get; set; }
}
