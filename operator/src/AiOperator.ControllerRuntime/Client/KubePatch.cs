namespace AiOperator.ControllerRuntime.Client;

/// <summary>A patch body and how to send it (subresource "status", field manager and force for server-side apply).</summary>
public sealed record KubePatch(PatchType Type, string Body, string? Subresource = null, string? FieldManager = null, bool Force = false)
{
    public string ContentType => Type switch
    {
        PatchType.Merge => "application/merge-patch+json",
        PatchType.Json => "application/json-patch+json",
        PatchType.StrategicMerge => "application/strategic-merge-patch+json",
        PatchType.Apply => "application/apply-patch+yaml",
        _ => throw new ArgumentOutOfRangeException(nameof(Type), Type, "unknown patch type"),
    };
}
