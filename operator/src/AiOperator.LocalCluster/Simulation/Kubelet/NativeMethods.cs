using System.Runtime.InteropServices;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

// Process.Kill only sends SIGKILL; a graceful stop needs SIGTERM, which needs libc's kill(2).
// DllImport rather than LibraryImport: the latter needs AllowUnsafeBlocks for the whole project.
internal static class NativeMethods
{
    public const int SigTerm = 15;

#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
