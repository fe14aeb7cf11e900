namespace AiOperator.LocalCluster;

// A real local command that stands in for a container image. The container's command and args
// are appended after Args. When Unavailable is set, pods of the image stay Waiting with that message.
public sealed record ProcessImage(string Command, IReadOnlyList<string>? Args = null)
{
    public string? Unavailable { get; init; }

    public static ProcessImage Missing(string message) => new("/nonexistent") { Unavailable = message };
}
