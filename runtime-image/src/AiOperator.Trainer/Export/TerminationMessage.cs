using System.Text;
using System.Text.Json;

namespace AiOperator.Trainer.Export;

/// <summary>
/// Writes the container's termination message, which Kubernetes copies into the pod status
/// (containerStatuses[].state.terminated.message, at most 4096 bytes).
/// </summary>
internal static class TerminationMessage
{
    public const int MaxBytes = 4096;

    public static byte[] Encode(TerminationReport report)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(report, ReportJsonContext.Default.TerminationReport);
        return json.Length <= MaxBytes ? json : throw new InvalidOperationException($"termination report of {json.Length} bytes exceeds {MaxBytes}");
    }

    /// <summary>
    /// An explicit path is always written; the default /dev/termination-log only when it exists (outside
    /// Kubernetes it does not). Returns whether it was written; never throws, the caller logs as well.
    /// </summary>
    public static bool TryWrite(string path, bool explicitPath, byte[] content)
    {
        try
        {
            if (!explicitPath && !File.Exists(path))
            {
                return false;
            }

            File.WriteAllBytes(path, content.Length <= MaxBytes ? content : content[..MaxBytes]);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A failure's reason as plain text, cut to the limit on a character boundary.</summary>
    public static byte[] Reason(string reason)
    {
        var text = reason.Length > 2000 ? reason[..2000] : reason;
        return Encoding.UTF8.GetBytes(text);
    }
}
