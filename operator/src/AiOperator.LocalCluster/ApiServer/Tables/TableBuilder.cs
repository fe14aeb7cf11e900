using System.Text.Json;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Resources;

namespace AiOperator.LocalCluster.ApiServer.Tables;

// meta.k8s.io/v1 Table answers (what `kubectl get` asks for with as=Table).
internal static class TableBuilder
{
    public static IReadOnlyList<TableColumn> Columns(ResourceType type)
    {
        if (!type.IsCustom)
        {
            return BuiltinColumns.For(type.Group, type.Kind);
        }

        var columns = new List<TableColumn> { BuiltinColumns.Name() };
        if (type.Columns.Count == 0)
        {
            columns.Add(BuiltinColumns.Age());
            return columns;
        }

        foreach (var column in type.Columns)
        {
            JsonPathExpression? path = null;
            try
            {
                path = JsonPathExpression.Parse(column.JsonPath);
            }
            catch (FormatException)
            {
                // An unparsable column prints <none>, as kubectl does for a failing path.
            }

            var isDate = column.Type == "date";
            columns.Add(new TableColumn(column.Name, isDate ? "date" : column.Type, column.Format, column.Description, column.Priority, (obj, now) =>
            {
                var found = path?.Evaluate(obj);
                var value = found is { Count: > 0 } ? found[0] : null;
                if (value is null)
                {
                    return null;
                }

                return isDate ? BuiltinColumns.Since(JsonTree.ScalarText(value), now) : Cell(value, column.Type);
            }));
        }

        return columns;
    }

    public static JsonObject Build(ResourceType type, IEnumerable<JsonObject> objects, DateTimeOffset now, string includeObject, long resourceVersion, string? continueToken, bool withColumns = true)
    {
        var columns = Columns(type);
        var table = new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        if (continueToken is not null)
        {
            table["metadata"]!["continue"] = continueToken;
        }

        var definitions = new JsonArray();
        if (withColumns)
        {
            foreach (var column in columns)
            {
                definitions.Add(new JsonObject
                {
                    ["name"] = column.Name,
                    ["type"] = column.Type == "date" ? "string" : column.Type,
                    ["format"] = column.Format,
                    ["description"] = column.Description,
                    ["priority"] = column.Priority,
                });
            }
        }

        table["columnDefinitions"] = definitions;
        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            var cells = new JsonArray();
            foreach (var column in columns)
            {
                cells.Add(column.Cell(obj, now)?.DeepClone());
            }

            var row = new JsonObject { ["cells"] = cells };
            switch (includeObject)
            {
                case "Object":
                    row["object"] = obj.DeepClone();
                    break;
                case "None":
                    break;
                default:
                    var metadata = (JsonObject)obj.Metadata().DeepClone();
                    metadata.Remove("managedFields");
                    row["object"] = new JsonObject { ["kind"] = "PartialObjectMetadata", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = metadata };
                    break;
            }

            rows.Add(row);
        }

        table["rows"] = rows;
        return table;
    }

    private static JsonNode? Cell(JsonNode value, string type)
    {
        switch (type)
        {
            case "integer" when value.GetValueKind() == JsonValueKind.Number:
            case "number" when value.GetValueKind() == JsonValueKind.Number:
            case "boolean" when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                return value.DeepClone();
            default:
                return value is JsonObject or JsonArray ? value.ToJsonString() : JsonTree.ScalarText(value);
        }
    }
}
