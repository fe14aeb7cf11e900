using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

// Containers that only exist as status: they start, become ready and exit on the configured schedule.
internal sealed class SimulatedRuntime(Func<string, SimulatedContainer> behaviourFor, TimeProvider time) : IContainerRuntime
{
    public async Task<IRunningContainer> StartAsync(PodSandbox sandbox, V1Container container, int attempt, CancellationToken ct)
    {
        SimulatedContainer behaviour;
        try
        {
            behaviour = SimulationAnnotations.Apply(behaviourFor(container.Image), sandbox.Pod.Metadata.Annotations);
        }
        catch (FormatException ex)
        {
            throw new ContainerStartException("CreateContainerConfigError", ex.Message);
        }

        await Task.Delay(behaviour.StartDelay, time, ct);
        var log = sandbox.LogPath(container.Name, attempt);
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        await File.AppendAllTextAsync(log, $"simulated container {container.Name} (image {container.Image}) started, attempt {attempt}\n", ct);
        return new SimulatedRunningContainer(behaviour, time, log);
    }
}
