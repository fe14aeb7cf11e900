using System.ComponentModel;
using System.Text.Json.Serialization;

namespace AiOperator.Api.V1Alpha1;

[Description("The most recent rollback.")]
public sealed class RollbackRecord
{
    [JsonPropertyName("from")]
    [Description("Revision rolled back from.")]
    public string? From { get; set; }

    [JsonPropertyName("to")]
    [Description("Revision rolled back to.")]
    public string? To { get; set; }

    [JsonPropertyName("reason")]
    [Description("Why, e.g. the failed analysis.")]
    public string? Reason { get; set; }

    [JsonPropertyName("at")]
    [Description("When.")]
    public DateTime? At { get; set; }
}
