using System.Collections.Concurrent;
using System.Diagnostics;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

// Every live pod process, so a host that is being torn down abruptly can still kill them all
// synchronously and leave no orphans behind.
internal sealed class ProcessRegistry
{
    private readonly ConcurrentDictionary<int, Process> _processes = new();

    public void Add(Process process) => _processes[process.Id] = process;

    public void Remove(Process process) => _processes.TryRemove(process.Id, out _);

    public void KillAll()
    {
        foreach (var process in _processes.Values)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }
    }
}
