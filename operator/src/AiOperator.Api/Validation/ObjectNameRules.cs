using System.Text.RegularExpressions;

namespace AiOperator.Api.Validation;

/// <summary>
/// Names a custom resource can have so that every child named after it can be created: Services take the
/// name (DNS-1035 label: lowercase letter first, no dots, at most 63), and label values carry it (63).
/// Enforced by the CRD schema (metadata.name) and again by the operator for objects created before.
/// </summary>
public static partial class ObjectNameRules
{
    public const string Dns1035Pattern = "^[a-z]([-a-z0-9]*[a-z0-9])?$";

    /// <summary>A ModelDeployment's Service and PodDisruptionBudget take its name.</summary>
    public const int ModelDeploymentMaxLength = 63;

    /// <summary>Worker pods are "&lt;name&gt;-worker-&lt;rank&gt;" (rank below 1024) and their hostnames are DNS labels: 63 - 8 - 4.</summary>
    public const int TrainingJobMaxLength = 51;

    public static IReadOnlyList<FieldError> Validate(string? name, int maxLength)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(new("metadata.name", "required"));
            return errors;
        }

        if (name.Length > maxLength)
        {
            errors.Add(new("metadata.name", $"must be no more than {maxLength} characters (is {name.Length}): the objects created for it are named after it"));
        }

        if (!Dns1035().IsMatch(name))
        {
            errors.Add(new("metadata.name", "must be a DNS-1035 label (lowercase letters, digits and '-', starting with a letter, ending with a letter or digit, no dots): its Service is named after it"));
        }

        return errors;
    }

    [GeneratedRegex(Dns1035Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex Dns1035();
}
