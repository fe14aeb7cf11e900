using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace AiOperator.Api.Crds;

/// <summary>Renders JSON as block-style YAML with stable key order and quoting where a scalar would change type.</summary>
public static class YamlText
{
    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithQuotingNecessaryStrings()
        .DisableAliases()
        .Build();

    public static string FromJson(JsonNode node) => Serializer.Serialize(ToPlain(node));

    private static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(p => p.Key, p => ToPlain(p.Value)),
        JsonArray array => array.Select(ToPlain).ToList(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => Number(value.ToJsonString()),
            _ => value.ToJsonString(),
        },
        _ => throw new InvalidOperationException($"unexpected JSON node {node.GetType().Name}"),
    };

    private static object Number(string text) =>
        long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var whole)
            ? whole
            : double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}
