namespace AiOperator.ControllerRuntime.Hosting;

/// <summary>A probe's verdict and, when failing, which checks failed.</summary>
public sealed record HealthReport(bool Healthy, IReadOnlyList<string> Failures)
{
    public string Text => Healthy ? "ok" : string.Join('\n', Failures);
}
