using System.Text.Json.Serialization;

namespace AiOperator.ControllerRuntime.Tests.Support;

public sealed class WidgetSpec
{
    [JsonPropertyName("size")]
    public int Size { get; set; }
}
