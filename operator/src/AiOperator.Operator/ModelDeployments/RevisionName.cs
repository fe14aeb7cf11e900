using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;

namespace AiOperator.Operator.ModelDeployments;

/// <summary>Revision = model version + short hash of the rendered pod template, so any change of model or runtime is a new revision.</summary>
internal static class RevisionName
{
    public const int HashLength = 6;

    public static string Compute(string? modelVersion, V1PodTemplateSpec template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var canonical = KubernetesJson.Serialize(template);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..HashLength];
        return $"{Sanitize(modelVersion)}-{hash}";
    }

    // Revision names end up in Deployment and pod names: DNS labels, lowercase, no dots or underscores.
    private static string Sanitize(string? version)
    {
        if (string.IsNullOrEmpty(version))
        {
            return "v";
        }

        var chars = version.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var text = new string(chars).Trim('-');
        return text.Length == 0 ? "v" : text[..Math.Min(text.Length, 20)].TrimEnd('-');
    }
}
