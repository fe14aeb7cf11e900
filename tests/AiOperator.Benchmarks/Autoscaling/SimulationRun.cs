namespace AiOperator.Benchmarks.Autoscaling;

/// <summary>One trace under one autoscaler: the series per step of simulated time and every change of the asked-for replicas.</summary>
internal sealed record SimulationRun(
    string Autoscaler,
    LoadTrace Trace,
    double[] Seconds,
    double[] Offered,
    int[] Asked,
    int[] Ready,
    double[] P95Ms,
    double[] Backlog,
    double[] RejectedTotal,
    IReadOnlyList<(double At, int From, int To)> Decisions);
