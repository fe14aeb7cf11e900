namespace AiOperator.Cli.Demo;

/// <summary>One point of the demo's timeline, taken about once a second.</summary>
internal sealed record TimelineSample(
    double Seconds,
    string Stage,
    int Replicas,
    int ReadyReplicas,
    int CanaryWeight,
    double ClientP95Ms,
    double RequestsPerSecond,
    long FailedRequests);
