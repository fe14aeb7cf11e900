using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Http;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Schema;

namespace AiOperator.LocalCluster.ApiServer.Patching;

// A pragmatic field manager: who set which field (metadata.managedFields), updates take ownership of
// what they change, and server-side apply merges, prunes what the applier dropped, and detects conflicts.
internal static class ManagedFields
{
    public static List<ManagedEntry> Read(JsonObject obj)
    {
        var entries = new List<ManagedEntry>();
        foreach (var node in obj.Obj("metadata").Arr("managedFields") ?? [])
        {
            var paths = FieldPaths.FromFieldsV1(node.Obj("fieldsV1"));
            entries.Add(new ManagedEntry(
                node.Str("manager") ?? "",
                node.Str("operation") ?? "Update",
                node.Str("apiVersion") ?? "",
                node.Str("time") ?? "",
                node.Str("subresource"),
                paths)
            {
                Stored = node,
                StoredCount = paths.Count,
            });
        }

        return entries;
    }

    public static void Write(JsonObject obj, List<ManagedEntry> entries)
    {
        entries.RemoveAll(e => e.Paths.Count == 0);
        if (entries.Count == 0)
        {
            obj.Metadata().Remove("managedFields");
            return;
        }

        var array = new JsonArray();
        foreach (var entry in entries)
        {
            if (entry.Unchanged)
            {
                array.Add(entry.Stored!.DeepClone());
                continue;
            }

            var node = new JsonObject
            {
                ["manager"] = entry.Manager,
                ["operation"] = entry.Operation,
                ["apiVersion"] = entry.ApiVersion,
                ["time"] = entry.Time,
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = FieldPaths.ToFieldsV1(entry.Paths),
            };
            if (entry.Subresource is not null)
            {
                node["subresource"] = entry.Subresource;
            }

            array.Add(node);
        }

        obj.Metadata()["managedFields"] = array;
    }

    // Non-apply writes: the manager takes the fields whose value it changed; fields that vanished lose owners.
    public static void RecordUpdate(JsonObject? before, JsonObject after, string manager, string apiVersion, string time, string? subresource, StructuralSchema? schema, bool builtin)
    {
        var entries = before is null ? [] : Read(before);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        // A status-subresource write changes the status and nothing else: only that subtree is walked, and
        // only the owned paths in it can have vanished.
        var statusOnly = subresource == "status" ? FieldPaths.LeavesUnder("status", after, schema, builtin, before, changed) : null;
        var leaves = statusOnly ?? FieldPaths.Leaves(after, schema, builtin, before, changed);

        var removedAny = false;
        foreach (var entry in entries)
        {
            removedAny |= entry.Paths.RemoveWhere(p => (statusOnly is null || FieldPaths.IsUnder(p, "status")) && !leaves.Contains(p) && !FieldPaths.Resolve(after, p).Found) > 0;
            if (changed.Count > 0)
            {
                removedAny |= entry.Paths.RemoveWhere(p => changed.Contains(p) && !(entry.Manager == manager && entry.Operation == "Update")) > 0;
            }
        }

        if (changed.Count == 0 && !removedAny)
        {
            // Untouched fields keep the previous managedFields verbatim, so a no-op stays a no-op.
            if (before?.Obj("metadata")?["managedFields"] is { } previous)
            {
                after.Metadata()["managedFields"] = previous.DeepClone();
            }
            else
            {
                after.Metadata().Remove("managedFields");
            }

            return;
        }

        if (changed.Count > 0)
        {
            var mine = entries.FindIndex(e => e.Manager == manager && e.Operation == "Update" && e.Subresource == subresource);
            var paths = mine >= 0 ? entries[mine].Paths : new HashSet<string>(StringComparer.Ordinal);
            paths.UnionWith(changed);
            var updated = new ManagedEntry(manager, "Update", apiVersion, time, subresource, paths);
            if (mine >= 0)
            {
                entries[mine] = updated;
            }
            else
            {
                entries.Add(updated);
            }
        }

        Write(after, entries);
    }

    // Server-side apply of `applied` onto `live` (null when creating). Returns the merged object with
    // managedFields set, or throws 409 listing the conflicting fields.
    public static JsonObject Apply(JsonObject? live, JsonObject applied, string manager, bool force, string apiVersion, string time, StructuralSchema? schema, bool builtin)
    {
        var entries = live is null ? [] : Read(live);
        var appliedPaths = FieldPaths.Leaves(applied, schema, builtin);
        var conflicts = new List<(string Manager, string ApiVersion, string Path)>();
        if (live is not null)
        {
            foreach (var path in appliedPaths)
            {
                if (path.EndsWith('.'))
                {
                    continue;
                }

                var (found, liveValue) = FieldPaths.Resolve(live, path);
                if (!found || JsonNode.DeepEquals(liveValue, FieldPaths.Resolve(applied, path).Value))
                {
                    continue;
                }

                foreach (var entry in entries)
                {
                    if (entry.Manager != manager && entry.Paths.Contains(path))
                    {
                        if (force)
                        {
                            entry.Paths.Remove(path);
                        }
                        else
                        {
                            conflicts.Add((entry.Manager, entry.ApiVersion, path));
                        }
                    }
                }
            }
        }

        if (conflicts.Count > 0)
        {
            var causes = conflicts.Select(c => new StatusCause("FieldManagerConflict", $"conflict with \"{c.Manager}\" using {c.ApiVersion}", FieldPaths.Display(c.Path))).ToList();
            var lines = string.Join("\n", conflicts.Select(c => $"- {FieldPaths.Display(c.Path)}"));
            var message = conflicts.Count == 1
                ? $"Apply failed with 1 conflict: conflict with \"{conflicts[0].Manager}\" using {conflicts[0].ApiVersion}: {FieldPaths.Display(conflicts[0].Path)}"
                : $"Apply failed with {conflicts.Count} conflicts: conflicts with \"{conflicts[0].Manager}\":\n{lines}";
            throw new ApiException(409, "Conflict", message, new StatusDetails(null, null, null, causes));
        }

        var merged = live is null ? new JsonObject() : (JsonObject)live.DeepClone();
        var mine = entries.FindIndex(e => e.Manager == manager && e.Operation == "Apply");
        if (mine >= 0)
        {
            foreach (var dropped in entries[mine].Paths.Where(p => !appliedPaths.Contains(p)).OrderByDescending(p => p.Length))
            {
                if (!entries.Any(e => e.Manager != manager && e.Paths.Contains(dropped)))
                {
                    FieldPaths.Remove(merged, dropped);
                }
            }
        }

        merged = StrategicMergePatch.Apply(merged, applied, schema, builtin);
        var applyEntry = new ManagedEntry(manager, "Apply", apiVersion, time, null, appliedPaths);
        if (mine >= 0)
        {
            entries[mine] = applyEntry;
        }
        else
        {
            entries.Add(applyEntry);
        }

        Write(merged, entries);
        return merged;
    }
}
