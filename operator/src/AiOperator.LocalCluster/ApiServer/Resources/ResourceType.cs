using AiOperator.LocalCluster.ApiServer.Schema;

namespace AiOperator.LocalCluster.ApiServer.Resources;

// Everything the server knows about one served resource at one group/version.
internal sealed record ResourceType
{
    public static readonly IReadOnlyList<string> AllVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public required string Group { get; init; }

    public required string Version { get; init; }

    public required string Kind { get; init; }

    public required string Plural { get; init; }

    public required string Singular { get; init; }

    public required bool Namespaced { get; init; }

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>What discovery lists and the server serves; reviews are create-only.</summary>
    public IReadOnlyList<string> Verbs { get; init; } = AllVerbs;

    public bool HasStatus { get; init; }

    public ScaleSpec? Scale { get; init; }

    public bool HasLog { get; init; }

    // Built-ins whose create strategy resets status (Deployment, Pod...); Node keeps what the kubelet registers.
    public bool ClearStatusOnCreate { get; init; }

    /// <summary>
    /// A delete that removes the object at once answers with the object, not a Status: kube-apiserver's
    /// <c>ReturnDeletedObject</c> (pods, services, serviceaccounts, PVCs, PVs, quotas, storage classes), which
    /// typed clients rely on: KubernetesClient's DeleteNamespacedService returns a V1Service. Custom resources
    /// and every other built-in answer with a Success Status.
    /// </summary>
    public bool ReturnsDeletedObject { get; init; }

    public bool IsCustom { get; init; }

    public string? CrdName { get; init; }

    public StructuralSchema? Schema { get; init; }

    public System.Text.Json.Nodes.JsonObject? OpenApiSchema { get; init; }

    public IReadOnlyList<PrinterColumn> Columns { get; init; } = [];

    public Type? ModelType { get; init; }

    public string ListKind => Kind + "List";

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    // Storage is per group+resource, shared by every served version (no conversion, like strategy None).
    public string StoreKey => $"{Group}/{Plural}";

    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}
