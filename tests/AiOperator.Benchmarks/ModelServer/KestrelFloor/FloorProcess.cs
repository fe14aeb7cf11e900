using System.Diagnostics;

namespace AiOperator.Benchmarks.ModelServer.KestrelFloor;

/// <summary>The floor server's child process and its ports; disposing kills it.</summary>
internal sealed class FloorProcess(Process process, int httpPort, int grpcPort) : IDisposable
{
    public Process Process { get; } = process;

    public int HttpPort { get; } = httpPort;

    public int GrpcPort { get; } = grpcPort;

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit(TimeSpan.FromSeconds(30));
        }

        Process.Dispose();
    }
}
