using System.ComponentModel;
using System.Text.Json.Serialization;

namespace AiOperator.Api.V1Alpha1;

[Description("How a new revision replaces the stable one.")]
[JsonConverter(typeof(JsonStringEnumConverter<RolloutStrategy>))]
public enum RolloutStrategy
{
    [JsonStringEnumMemberName("Canary")] Canary,
    [JsonStringEnumMemberName("Recreate")] Recreate,
}
