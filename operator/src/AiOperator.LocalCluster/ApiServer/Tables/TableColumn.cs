using System.Text.Json.Nodes;

namespace AiOperator.LocalCluster.ApiServer.Tables;

internal sealed record TableColumn(string Name, string Type, string Format, string Description, int Priority, Func<JsonObject, DateTimeOffset, JsonNode?> Cell);
