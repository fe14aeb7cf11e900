using System.Text.RegularExpressions;

namespace AiOperator.Operator.TrainingJobs;

/// <summary>Reads the scheduler's PodScheduled=False message ("0/7 nodes are available: 4 Insufficient nvidia.com/gpu, …").</summary>
internal static partial class UnschedulableMessage
{
    /// <summary>The resources named "Insufficient X", in order of first mention, without duplicates.</summary>
    public static IReadOnlyList<string> ShortResources(IEnumerable<string?> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var result = new List<string>();
        foreach (var message in messages)
        {
            foreach (Match match in Insufficient().Matches(message ?? ""))
            {
                var resource = match.Groups[1].Value.TrimEnd('.', ',', ';');
                if (resource.Length > 0 && !result.Contains(resource, StringComparer.Ordinal))
                {
                    result.Add(resource);
                }
            }
        }

        return result;
    }

    [GeneratedRegex(@"Insufficient ([^\s,;]+)")]
    private static partial Regex Insufficient();
}
