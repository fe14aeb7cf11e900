namespace AiOperator.ModelServer.Hosting;

/// <summary>Writes a fatal reason where Kubernetes reads a container's termination message.</summary>
internal static class TerminationLog
{
    public const string DefaultPath = "/dev/termination-log";

    /// <summary>Returns the path written, or null when none was writable (never throws: the reason is also logged).</summary>
    public static string? Write(string? configuredPath, string reason)
    {
        var path = configuredPath ?? DefaultPath;
        try
        {
            if (configuredPath is null && !File.Exists(path))
            {
                return null;
            }

            // Kubernetes keeps at most 4096 bytes of the message.
            File.WriteAllText(path, reason.Length > 4000 ? reason[..4000] : reason);
            return path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
