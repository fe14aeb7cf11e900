using System.ComponentModel;
using System.Text.Json.Serialization;

namespace AiOperator.Api.V1Alpha1;

[Description("ONNX Runtime execution provider; Auto = CUDA when gpu.count > 0, else CPU.")]
[JsonConverter(typeof(JsonStringEnumConverter<ExecutionProvider>))]
public enum ExecutionProvider
{
    [JsonStringEnumMemberName("Auto")] Auto,
    [JsonStringEnumMemberName("CUDA")] Cuda,
    [JsonStringEnumMemberName("TensorRT")] TensorRT,
    [JsonStringEnumMemberName("CPU")] Cpu,
}
