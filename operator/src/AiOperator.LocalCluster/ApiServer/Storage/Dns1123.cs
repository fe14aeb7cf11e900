using System.Text.RegularExpressions;

namespace AiOperator.LocalCluster.ApiServer.Storage;

// The DNS-1123 name rules of k8s.io/apimachinery/pkg/util/validation, with kube's messages, shared by
// object names, container and volume names and port names so every refusal reads as kube-apiserver's.
internal static partial class Dns1123
{
    public const string LabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    public const string SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    public static bool IsLabel(string value) => value.Length <= 63 && LabelPattern().IsMatch(value);

    public static bool IsSubdomain(string value) => value.Length <= 253 && SubdomainPattern().IsMatch(value);

    // IsDNS1123Label: each failed rule is its own message.
    public static IEnumerable<string> LabelErrors(string value)
    {
        if (value.Length > 63)
        {
            yield return "must be no more than 63 characters";
        }

        if (!LabelPattern().IsMatch(value))
        {
            yield return LabelMessage;
        }
    }

    // IsValidPortName (IANA service names): what a named container or target port must look like.
    public static IEnumerable<string> PortNameErrors(string value)
    {
        if (value.Length > 15)
        {
            yield return "must be no more than 15 characters";
        }

        if (!PortNamePattern().IsMatch(value))
        {
            yield return "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)";
        }

        if (!value.Any(char.IsAsciiLetterLower))
        {
            yield return "must contain at least one letter (a-z)";
        }

        if (value.Contains("--", StringComparison.Ordinal))
        {
            yield return "must not contain consecutive hyphens";
        }

        if (value.StartsWith('-') || value.EndsWith('-'))
        {
            yield return "must not begin or end with a hyphen";
        }
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex LabelPattern();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex SubdomainPattern();

    [GeneratedRegex("^[-a-z0-9]+$")]
    private static partial Regex PortNamePattern();
}
