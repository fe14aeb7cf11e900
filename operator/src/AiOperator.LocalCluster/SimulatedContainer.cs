namespace AiOperator.LocalCluster;

// How a simulated container behaves: it starts after StartDelay, becomes ready ReadyAfter later,
// and, when ExitAfter is set, terminates with ExitCode/Reason (e.g. 137/"OOMKilled") that long after starting.
public sealed record SimulatedContainer
{
    public TimeSpan StartDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan ReadyAfter { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan? ExitAfter { get; init; }

    public int ExitCode { get; init; }

    // Termination reason; default "Completed" for exit code 0, else "Error".
    public string? Reason { get; init; }

    public string? Message { get; init; }
}
