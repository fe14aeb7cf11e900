using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Schema;

namespace AiOperator.LocalCluster.ApiServer.Admission;

/// <summary>
/// What a namespace's <c>pod-security.kubernetes.io/*</c> labels ask of its pods (pure): the level pods are
/// refused below (enforce) and the one workloads and pods are warned about (warn), each with the version it
/// names. A label that is not a level fails closed to restricted, as the admission plugin does.
/// </summary>
internal sealed record NamespacePodSecurity(PodSecurityLevel Enforce, string EnforceVersion, PodSecurityLevel Warn, string WarnVersion)
{
    public const string Prefix = "pod-security.kubernetes.io/";

    public static readonly NamespacePodSecurity Unlabelled = new(PodSecurityLevel.Privileged, "latest", PodSecurityLevel.Privileged, "latest");

    public static NamespacePodSecurity Of(JsonObject? ns)
    {
        var labels = ns.Obj("metadata").Obj("labels");
        return new NamespacePodSecurity(Level(labels, "enforce"), Version(labels, "enforce"), Level(labels, "warn"), Version(labels, "warn"));
    }

    private static readonly string[] Modes = ["enforce", "audit", "warn"];

    /// <summary>Labels that name no level or version, as the admission plugin refuses them on a namespace (422).</summary>
    public static IReadOnlyList<FieldError> Problems(JsonObject? ns)
    {
        var labels = ns.Obj("metadata").Obj("labels");
        var problems = new List<FieldError>();
        foreach (var mode in Modes)
        {
            if (labels.Str(Prefix + mode) is { } level && level is not ("privileged" or "baseline" or "restricted"))
            {
                problems.Add(FieldError.Invalid($"metadata.labels[{Prefix}{mode}]", $"\"{level}\"", "must be one of privileged, baseline, restricted"));
            }

            if (labels.Str(Prefix + mode + "-version") is { } version && !IsVersion(version))
            {
                problems.Add(FieldError.Invalid($"metadata.labels[{Prefix}{mode}-version]", $"\"{version}\"", "must be 'latest' or 'v1.x'"));
            }
        }

        return problems;
    }

    private static bool IsVersion(string version) =>
        version == "latest"
        || (version.StartsWith("v1.", StringComparison.Ordinal) && version.Length > 3 && version[3..].All(char.IsAsciiDigit));

    private static PodSecurityLevel Level(JsonObject? labels, string mode) => labels.Str(Prefix + mode) switch
    {
        null or "privileged" => PodSecurityLevel.Privileged,
        "baseline" => PodSecurityLevel.Baseline,
        _ => PodSecurityLevel.Restricted,
    };

    // Every version is checked as latest (the checks have not loosened across versions); the label's words
    // are kept for the messages.
    private static string Version(JsonObject? labels, string mode) => labels.Str(Prefix + mode + "-version") is { Length: > 0 } v ? v : "latest";
}
