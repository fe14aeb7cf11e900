using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using AiOperator.LocalCluster.ApiServer;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

// Serves `kubectl logs` from the files the kubelet writes: <pod dir>/logs/<container>/<attempt>.log,
// the current attempt by default and the one before it for --previous.
internal sealed class PodLogStore(TimeProvider time) : IPodLogSource
{
    private readonly ConcurrentDictionary<string, string> _podDirectories = new(StringComparer.Ordinal);

    public void Register(string ns, string pod, string directory) => _podDirectories[$"{ns}/{pod}"] = directory;

    public void Unregister(string ns, string pod, string directory) =>
        _podDirectories.TryRemove(new KeyValuePair<string, string>($"{ns}/{pod}", directory));

    public async Task<string?> GetLogAsync(PodLogRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = FileFor(request);
        if (path is null)
        {
            return null;
        }

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    public async IAsyncEnumerable<string> FollowAsync(PodLogRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = FileFor(request);
        if (path is null)
        {
            yield break;
        }

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var buffer = new char[8192];
        while (!cancellationToken.IsCancellationRequested)
        {
            var read = await reader.ReadAsync(buffer, cancellationToken);
            if (read > 0)
            {
                yield return new string(buffer, 0, read);
                continue;
            }

            if (!_podDirectories.Values.Any(d => path.StartsWith(d, StringComparison.Ordinal)) || FileFor(request) != path)
            {
                yield break;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }

    private string? FileFor(PodLogRequest request)
    {
        if (!_podDirectories.TryGetValue($"{request.Namespace}/{request.Pod}", out var dir))
        {
            return null;
        }

        var folder = Path.Combine(dir, "logs", request.Container);
        if (!Directory.Exists(folder))
        {
            return null;
        }

        var attempts = Directory.GetFiles(folder, "*.log")
            .Select(f => (File: f, Attempt: int.TryParse(Path.GetFileNameWithoutExtension(f), out var n) ? n : -1))
            .Where(a => a.Attempt >= 0)
            .OrderByDescending(a => a.Attempt)
            .ToList();
        var index = request.Previous ? 1 : 0;
        return attempts.Count > index ? attempts[index].File : null;
    }
}
