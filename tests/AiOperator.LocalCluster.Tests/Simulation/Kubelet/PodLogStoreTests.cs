using AiOperator.LocalCluster.ApiServer;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Kubelet;

using AiOperator.LocalCluster.Simulation.Kubelet;

public sealed class PodLogStoreTests
{
    [Fact]
    public async Task Current_and_previous_follow_the_container_attempts()
    {
        var dir = Directory.CreateTempSubdirectory("aiop-logs-");
        try
        {
            var folder = Directory.CreateDirectory(Path.Combine(dir.FullName, "logs", "main"));
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "0.log"), "first\n");
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "1.log"), "second\n");
            var store = new PodLogStore(TimeProvider.System);
            store.Register("ns", "p", dir.FullName);
            var current = new PodLogRequest("ns", "p", "main", Previous: false, Follow: false, Timestamps: false, SinceSeconds: null);
            var previous = current with { Previous = true };

            Assert.Null(await store.GetLogAsync(current, CancellationToken.None));

            store.SetAttempts("ns", "p", "main", 1, 0);
            Assert.Equal("second\n", await store.GetLogAsync(current, CancellationToken.None));
            Assert.Equal("first\n", await store.GetLogAsync(previous, CancellationToken.None));

            // In back-off there is no current attempt: both show the crashed one, as the kubelet does.
            store.SetAttempts("ns", "p", "main", null, 1);
            Assert.Equal("second\n", await store.GetLogAsync(current, CancellationToken.None));
            Assert.Equal("second\n", await store.GetLogAsync(previous, CancellationToken.None));

            store.Unregister("ns", "p", dir.FullName);
            Assert.Null(await store.GetLogAsync(current, CancellationToken.None));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
