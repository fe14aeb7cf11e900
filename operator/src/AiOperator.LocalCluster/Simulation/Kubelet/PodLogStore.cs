using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using AiOperator.LocalCluster.ApiServer;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

// Serves `kubectl logs` from the files the kubelet writes: <pod dir>/logs/<container>/<attempt>.log.
// Like the kubelet: the running (or last) attempt by default, lastState's attempt for --previous,
// so a container in CrashLoopBackOff shows the crashed attempt both ways.
internal sealed class PodLogStore(TimeProvider time) : IPodLogSource
{
    private readonly ConcurrentDictionary<string, string> _podDirectories = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (int? Current, int? Previous)> _attempts = new(StringComparer.Ordinal);

    public void SetAttempts(string ns, string pod, string container, int? current, int? previous) =>
        _attempts[$"{ns}/{pod}/{container}"] = (current, previous);

    public void Register(string ns, string pod, string directory) => _podDirectories[$"{ns}/{pod}"] = directory;

    public void Unregister(string ns, string pod, string directory)
    {
        if (_podDirectories.TryRemove(new KeyValuePair<string, string>($"{ns}/{pod}", directory)))
        {
            foreach (var key in _attempts.Keys.Where(k => k.StartsWith($"{ns}/{pod}/", StringComparison.Ordinal)))
            {
                _attempts.TryRemove(key, out _);
            }
        }
    }

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

        if (!_attempts.TryGetValue($"{request.Namespace}/{request.Pod}/{request.Container}", out var attempts))
        {
            return null;
        }

        var attempt = request.Previous ? attempts.Previous : attempts.Current ?? attempts.Previous;
        var file = attempt is null ? null : Path.Combine(folder, $"{attempt.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}.log");
        return file is not null && File.Exists(file) ? file : null;
    }
}
