using System.Runtime.InteropServices;
using AiOperator.LocalCluster.ApiServer;

namespace AiOperator.TestProcess;

// A local API server persisting to a state folder, in a process of its own so a test can kill -9 it.
internal static class ApiServerMode
{
    public static async Task<int> RunAsync(string stateDirectory)
    {
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.TrySetResult();
        });
        await using var host = await ApiServerHost.StartAsync(new ApiServerOptions { StateDirectory = stateDirectory });
        Console.WriteLine($"api-server url={host.Url}");
        await stop.Task;
        return 0;
    }
}
