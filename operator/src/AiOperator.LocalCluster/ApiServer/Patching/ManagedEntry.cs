using System.Text.Json.Nodes;

namespace AiOperator.LocalCluster.ApiServer.Patching;

// One metadata.managedFields entry; Paths are fieldsV1 paths, segments joined by '\n'.
// Read gives an entry the stored node it came from: writers only ever remove paths from an entry in
// place (an entry that gains paths is replaced by a new one), so while Paths still has the count it was
// read with, the stored node is written back as it was instead of being rebuilt from the path strings.
internal sealed record ManagedEntry(string Manager, string Operation, string ApiVersion, string Time, string? Subresource, HashSet<string> Paths)
{
    public JsonNode? Stored { get; init; }

    public int StoredCount { get; init; }

    public bool Unchanged => Stored is not null && Paths.Count == StoredCount;
}
