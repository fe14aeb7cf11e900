using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Schema;

namespace AiOperator.LocalCluster.ApiServer.Resources;

// Turns a CustomResourceDefinition object into served resource types, or field errors (422).
internal static class CrdReader
{
    public static (IReadOnlyList<ResourceType> Types, IReadOnlyList<FieldError> Errors) Read(JsonObject crd)
    {
        var errors = new List<FieldError>();
        var spec = crd.Obj("spec");
        var group = spec.Str("group");
        var names = spec.Obj("names");
        var plural = names.Str("plural");
        var kind = names.Str("kind");
        var scope = spec.Str("scope");
        if (string.IsNullOrEmpty(group))
        {
            errors.Add(FieldError.Required("spec.group"));
        }

        if (string.IsNullOrEmpty(plural))
        {
            errors.Add(FieldError.Required("spec.names.plural"));
        }

        if (string.IsNullOrEmpty(kind))
        {
            errors.Add(FieldError.Required("spec.names.kind"));
        }

        if (scope is not ("Namespaced" or "Cluster"))
        {
            errors.Add(scope is null ? FieldError.Required("spec.scope") : FieldError.NotSupported("spec.scope", $"\"{scope}\"", ["\"Cluster\"", "\"Namespaced\""]));
        }

        if (group is not null && plural is not null && crd.Name() != $"{plural}.{group}")
        {
            errors.Add(FieldError.Invalid("metadata.name", $"\"{crd.Name()}\"", "must be spec.names.plural+\".\"+spec.group"));
        }

        var versions = spec.Arr("versions");
        if (versions is null || versions.Count == 0)
        {
            errors.Add(FieldError.Required("spec.versions"));
        }
        else if (versions.Count(v => v?["storage"]?.GetValueKind() == System.Text.Json.JsonValueKind.True) != 1)
        {
            errors.Add(FieldError.Invalid("spec.versions", "[]", "must have exactly one version marked as storage version"));
        }

        if (errors.Count > 0)
        {
            return ([], errors);
        }

        var types = new List<ResourceType>();
        var shortNames = names.Arr("shortNames")?.Select(n => JsonTree.AsString(n) ?? "").ToList() ?? [];
        var categories = names.Arr("categories")?.Select(n => JsonTree.AsString(n) ?? "").ToList() ?? [];
        for (var i = 0; i < versions!.Count; i++)
        {
            var version = versions[i] as JsonObject;
            var versionName = version.Str("name");
            if (string.IsNullOrEmpty(versionName))
            {
                errors.Add(FieldError.Required($"spec.versions[{i}].name"));
                continue;
            }

            if (version!["served"]?.GetValueKind() != System.Text.Json.JsonValueKind.True)
            {
                continue;
            }

            StructuralSchema? schema = null;
            var openApi = version.Obj("schema").Obj("openAPIV3Schema");
            if (openApi is not null)
            {
                try
                {
                    schema = StructuralSchema.Compile(openApi, $"spec.versions[{i}].schema.openAPIV3Schema");
                }
                catch (SchemaCompileException ex)
                {
                    errors.Add(new FieldError($"spec.versions[{i}].schema.openAPIV3Schema", "FieldValueInvalid", ex.Message));
                    continue;
                }
            }

            var subresources = version.Obj("subresources");
            ScaleSpec? scale = null;
            if (subresources.Obj("scale") is { } scaleNode)
            {
                scale = new ScaleSpec(
                    scaleNode.Str("specReplicasPath") ?? ".spec.replicas",
                    scaleNode.Str("statusReplicasPath") ?? ".status.replicas",
                    scaleNode.Str("labelSelectorPath"));
            }

            var columns = new List<PrinterColumn>();
            foreach (var column in version.Arr("additionalPrinterColumns") ?? [])
            {
                columns.Add(new PrinterColumn(
                    column.Str("name") ?? "",
                    column.Str("type") ?? "string",
                    column.Str("jsonPath") ?? "",
                    (int)(column.Long("priority") ?? 0),
                    column.Str("description") ?? "",
                    column.Str("format") ?? ""));
            }

            types.Add(new ResourceType
            {
                Group = group!,
                Version = versionName,
                Kind = kind!,
                Plural = plural!,
                Singular = names.Str("singular") ?? kind!.ToLowerInvariant(),
                Namespaced = scope == "Namespaced",
                ShortNames = shortNames,
                Categories = categories,
                HasStatus = subresources?["status"] is not null,
                Scale = scale,
                IsCustom = true,
                CrdName = crd.Name(),
                Schema = schema,
                OpenApiSchema = openApi,
                Columns = columns,
            });
        }

        return (errors.Count > 0 ? [] : types, errors);
    }
}
