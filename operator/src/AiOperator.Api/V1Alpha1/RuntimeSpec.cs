using System.ComponentModel;
using System.Text.Json.Serialization;
using AiOperator.Api.Schema;
using k8s.Models;

namespace AiOperator.Api.V1Alpha1;

[Description("How the model server runs the model.")]
public sealed class RuntimeSpec
{
    [JsonPropertyName("image"), SchemaLength(maximum: 512)]
    [Description("Model-server image; default: the image the operator was installed with.")]
    public string? Image { get; set; }

    [JsonPropertyName("executionProvider"), SchemaDefault("\"Auto\"")]
    [Description("Auto | CUDA | TensorRT | CPU.")]
    public ExecutionProvider? ExecutionProvider { get; set; }

    [JsonPropertyName("maxBatchSize"), SchemaDefault("8"), SchemaRange(minimum: 1, maximum: 1024)]
    [Description("Dynamic batching limit; 1 disables batching.")]
    public int? MaxBatchSize { get; set; }

    [JsonPropertyName("maxQueueDelayMicroseconds"), SchemaDefault("2000"), SchemaRange(minimum: 0, maximum: 10000000)]
    [Description("Longest a request waits for a batch to fill.")]
    public int? MaxQueueDelayMicroseconds { get; set; }

    [JsonPropertyName("env"), SchemaLength(maximum: 256)]
    [Description("Extra environment variables of the model-server container, as in a pod spec; values reach the server literally ($(VAR) is not expanded).")]
    public IList<V1EnvVar>? Env { get; set; }
}
