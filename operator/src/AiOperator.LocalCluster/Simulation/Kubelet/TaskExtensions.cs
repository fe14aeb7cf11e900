namespace AiOperator.LocalCluster.Simulation.Kubelet;

internal static class TaskExtensions
{
    public static Task WhenCanceled(this CancellationToken token)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => done.TrySetResult());
        return done.Task;
    }
}
