using System.ComponentModel;
using System.Text.Json.Serialization;

namespace AiOperator.Api.V1Alpha1;

[Description("One revision in the history: model version plus a short hash of the pod template.")]
public sealed class RevisionRecord
{
    [JsonPropertyName("name")]
    [Description("Revision name, e.g. 3-7f9c2d.")]
    public string Name { get; set; } = "";

    [JsonPropertyName("modelVersion")]
    [Description("spec.model.version of this revision.")]
    public string? ModelVersion { get; set; }

    [JsonPropertyName("createdAt")]
    [Description("When the operator first rolled this revision out.")]
    public DateTime? CreatedAt { get; set; }

    [JsonPropertyName("outcome")]
    [Description("Progressing | Stable | Superseded | Failed.")]
    public RevisionOutcome? Outcome { get; set; }
}
