using System.Text;
using k8s;
using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Workloads;

// The pod-template-hash label: a stable hash of the template, encoded with Kubernetes' "safe"
// alphabet (no vowels, no confusable digits), so names like web-7d4b9c8f6 look familiar.
internal static class PodTemplateHash
{
    public const string Label = "pod-template-hash";
    private const string SafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string Compute(V1PodTemplateSpec template)
    {
        var copy = KubernetesJson.Deserialize<V1PodTemplateSpec>(KubernetesJson.Serialize(template));
        copy.Metadata?.Labels?.Remove(Label);
        var bytes = Encoding.UTF8.GetBytes(KubernetesJson.Serialize(copy));
        var hash = 2166136261u;
        foreach (var b in bytes)
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return SafeEncode(hash);
    }

    public static string SafeEncode(uint value)
    {
        var digits = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var result = new StringBuilder(digits.Length);
        foreach (var c in digits)
        {
            result.Append(SafeAlphabet[c % SafeAlphabet.Length]);
        }

        return result.ToString();
    }

    public static string RandomSuffix(int length = 5)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = SafeAlphabet[Random.Shared.Next(SafeAlphabet.Length)];
        }

        return new string(chars);
    }
}
