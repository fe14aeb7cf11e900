using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;

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
