using System.Text.Json.Serialization;

namespace AiOperator.Trainer.Checkpoints;

// Source-generated, so the trainer needs no reflection-based serialization. Doubles round-trip exactly.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(CheckpointDocument))]
internal sealed partial class CheckpointJsonContext : JsonSerializerContext;
