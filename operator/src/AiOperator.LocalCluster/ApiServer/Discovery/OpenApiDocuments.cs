using System.Globalization;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Resources;

namespace AiOperator.LocalCluster.ApiServer.Discovery;

// /openapi/v3: the root index and one document per group-version. It carries what kubectl reads:
// the fieldValidation parameter on post/patch (so it validates server-side) and, for custom
// resources, their schema (kubectl explain).
internal static class OpenApiDocuments
{
    private const string ObjectMetaRef = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

    public static JsonObject Root(ResourceCatalog catalog)
    {
        var hash = catalog.Generation.ToString("X8", CultureInfo.InvariantCulture);
        var paths = new JsonObject();
        foreach (var (group, version) in catalog.All.Select(t => (t.Group, t.Version)).Distinct())
        {
            var key = group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={hash}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    public static JsonObject? GroupVersion(ResourceCatalog catalog, string group, string version)
    {
        var types = catalog.All.Where(t => t.Group == group && t.Version == version).ToList();
        if (types.Count == 0)
        {
            return null;
        }

        var paths = new JsonObject();
        var schemas = new JsonObject
        {
            [ObjectMetaRef] = new JsonObject
            {
                ["description"] = "ObjectMeta is metadata that all persisted resources must have.",
                ["type"] = "object",
                ["x-kubernetes-preserve-unknown-fields"] = true,
            },
        };
        foreach (var type in types)
        {
            var prefix = (group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}") + (type.Namespaced ? "/namespaces/{namespace}" : "");
            var schemaName = SchemaName(type);
            if (type.OpenApiSchema is not null)
            {
                var schema = (JsonObject)type.OpenApiSchema.DeepClone();
                var properties = schema["properties"] as JsonObject ?? new JsonObject();
                schema["properties"] = properties;
                properties["metadata"] = new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = $"#/components/schemas/{ObjectMetaRef}" }) };
                properties["apiVersion"] ??= new JsonObject { ["type"] = "string" };
                properties["kind"] ??= new JsonObject { ["type"] = "string" };
                schema["x-kubernetes-group-version-kind"] = new JsonArray(Gvk(type));
                schemas[schemaName] = schema;
            }

            paths[$"{prefix}/{type.Plural}"] = new JsonObject
            {
                ["get"] = Operation(type, "list", null),
                ["post"] = Operation(type, "post", type.OpenApiSchema is null ? null : schemaName),
            };
            paths[$"{prefix}/{type.Plural}/{{name}}"] = new JsonObject
            {
                ["get"] = Operation(type, "get", type.OpenApiSchema is null ? null : schemaName),
                ["put"] = Operation(type, "put", type.OpenApiSchema is null ? null : schemaName),
                ["patch"] = Operation(type, "patch", type.OpenApiSchema is null ? null : schemaName),
                ["delete"] = Operation(type, "delete", null),
            };
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    private static string SchemaName(ResourceType type)
    {
        var reversed = string.Join('.', type.Group.Split('.').Reverse());
        return $"{reversed}.{type.Version}.{type.Kind}";
    }

    private static JsonObject Gvk(ResourceType type) => new() { ["group"] = type.Group, ["version"] = type.Version, ["kind"] = type.Kind };

    private static JsonObject Operation(ResourceType type, string action, string? schemaName)
    {
        var parameters = new JsonArray();
        if (action is "post" or "put" or "patch")
        {
            parameters.Add(Query("fieldValidation"));
            parameters.Add(Query("fieldManager"));
            parameters.Add(Query("dryRun"));
        }

        var response = new JsonObject { ["description"] = "OK" };
        if (schemaName is not null)
        {
            response["content"] = new JsonObject
            {
                ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = $"#/components/schemas/{schemaName}" } },
            };
        }

        return new JsonObject
        {
            ["operationId"] = $"{action}{type.Kind}",
            ["parameters"] = parameters,
            ["responses"] = new JsonObject { ["200"] = response },
            ["x-kubernetes-action"] = action,
            ["x-kubernetes-group-version-kind"] = Gvk(type),
        };
    }

    private static JsonObject Query(string name) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
    };
}
