using System.Text.Json.Serialization;

namespace AiOperator.Trainer.Export;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ModelMetrics))]
[JsonSerializable(typeof(TerminationReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
