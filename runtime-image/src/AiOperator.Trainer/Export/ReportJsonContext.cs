using System.Text.Json.Serialization;

namespace AiOperator.Trainer.Export;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ModelMetrics))]
[JsonSerializable(typeof(TerminationReport))]
[JsonSerializable(typeof(ValidationSet))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
