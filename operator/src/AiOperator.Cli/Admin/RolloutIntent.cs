using System.Text.Json.Nodes;
using AiOperator.Api.V1Alpha1;

namespace AiOperator.Cli.Admin;

/// <summary>
/// What an admin command writes, and whether it makes sense now. Each intent is a merge patch a user
/// could write by hand: the annotations the operator acts on once (and removes), or spec.paused.
/// </summary>
internal static class RolloutIntent
{
    public const string PromoteAnnotation = "aioperator.dev/promote";
    public const string AbortAnnotation = "aioperator.dev/abort";
    public const string RollbackToAnnotation = "aioperator.dev/rollback-to";

    public static JsonObject Promote(ModelDeployment md, bool full)
    {
        RequireCanary(md, "promote");
        return Annotate(PromoteAnnotation, full ? "full" : "step");
    }

    public static JsonObject Abort(ModelDeployment md)
    {
        RequireCanary(md, "abort");
        return Annotate(AbortAnnotation, "true");
    }

    public static JsonObject RollbackTo(ModelDeployment md, string revision)
    {
        var history = md.Status?.Revisions?.Select(r => r.Name).ToList() ?? [];
        if (!history.Contains(revision, StringComparer.Ordinal))
        {
            var known = history.Count == 0 ? "none" : string.Join(", ", history);
            throw new AdminException($"revision {revision} is not in status.revisions of {Describe(md)} (revisions: {known})");
        }

        var serving = md.Status?.StableRevision;
        if (revision == serving && string.IsNullOrEmpty(md.Status?.CanaryRevision))
        {
            throw new AdminException($"revision {revision} already serves {Describe(md)} and no canary is running");
        }

        return Annotate(RollbackToAnnotation, revision);
    }

    public static JsonObject Pause(bool paused) => new() { ["spec"] = new JsonObject { ["paused"] = paused } };

    private static void RequireCanary(ModelDeployment md, string verb)
    {
        if (string.IsNullOrEmpty(md.Status?.CanaryRevision))
        {
            throw new AdminException($"nothing to {verb}: {Describe(md)} has no canary in progress (status.canaryRevision is empty)");
        }
    }

    private static JsonObject Annotate(string key, string value) =>
        new() { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [key] = value } } };

    private static string Describe(ModelDeployment md) => $"ModelDeployment {md.Metadata.NamespaceProperty}/{md.Metadata.Name}";
}
