namespace AiOperator.Benchmarks;

internal static class BenchmarkEntry
{
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "modelserver":
                return await ModelServer.ModelServerBenchmark.RunAsync(args[1..]);
            case "peer":
                return await ModelServer.PeerBenchmark.RunAsync(args[1..]);
            case "floor":
                return await ModelServer.KestrelFloor.KestrelFloorBenchmark.RunAsync(args[1..]);
            case "floor-server":
                return await ModelServer.KestrelFloor.KestrelFloorServer.RunAsync(args[1..]);
            case "restpath":
                return await ModelServer.RestPathProfile.RunAsync(args[1..]);
            case "operator":
                return await Operator.AiopLocalRuntimeSettings.RelaunchWithThemAsync(args) ??
                    await Operator.OperatorScaleScenario.RunAsync(args[1..]);
            case "rollout":
                return await Rollouts.RolloutScenario.RunAsync(args[1..]);
            case "autoscaler":
                return Autoscaling.AutoscalerScenario.Run(args[1..]);
            case "scraper":
                return await Monitoring.ScraperScenario.RunAsync(args[1..]);
            case "scraper-pods":
                return await Monitoring.FakeModelPods.RunAsync(args[1..]);
            case "apiserver":
                return await LocalCluster.ApiServerScenario.RunAsync(args[1..]);
            default:
                BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(BenchmarkEntry).Assembly).Run(args);
                return 0;
        }
    }
}
