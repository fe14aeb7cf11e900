using System.Collections.Concurrent;
using System.Diagnostics;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

// Every live pod process, so a host that is being torn down abruptly can still kill them all
// synchronously and leave no orphans behind, and a test can crash one pod's process as a node would.
internal sealed class ProcessRegistry
{
    private readonly ConcurrentDictionary<int, (Process Process, string Namespace, string Pod)> _processes = new();

    public void Add(Process process, string podNamespace, string podName) => _processes[process.Id] = (process, podNamespace, podName);

    public void Remove(Process process) => _processes.TryRemove(process.Id, out _);

    // Sends the signal to every live process of the pod (each container); returns how many were signalled.
    public int Signal(string podNamespace, string podName, int signal)
    {
        var signalled = 0;
        foreach (var (pid, entry) in _processes)
        {
            if (entry.Namespace == podNamespace && entry.Pod == podName && !HasExited(entry.Process) && NativeMethods.Kill(pid, signal) == 0)
            {
                signalled++;
            }
        }

        return signalled;
    }

    public void KillAll()
    {
        foreach (var (process, _, _) in _processes.Values)
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

    private static bool HasExited(Process process)
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }
}
