namespace AiOperator.Benchmarks.Autoscaling;

/// <summary>
/// What one model pod can serve: <see cref="Slots"/> requests at once, each taking
/// <see cref="BaseLatencySeconds"/> when it does not wait, so a pod serves Slots ÷ BaseLatency requests/s;
/// at most <see cref="MaxQueue"/> more wait (the model server's --max-queue-size), beyond which it answers 503 at once.
/// </summary>
internal sealed record ServiceModel(int Slots, double BaseLatencySeconds, int MaxQueue)
{
    public double PodCapacity => Slots / BaseLatencySeconds;
}
