namespace AiOperator.LocalCluster.ApiServer;

/// <summary>Where pods/log reads come from; the simulated kubelet plugs its container output in here.</summary>
public interface IPodLogSource
{
    /// <summary>The container's log text, or null when the container has no log (not started).</summary>
    Task<string?> GetLogAsync(PodLogRequest request, CancellationToken cancellationToken);

    /// <summary>Log chunks as they are written (follow=true); by default the current log once.</summary>
    async IAsyncEnumerable<string> FollowAsync(PodLogRequest request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var text = await GetLogAsync(request, cancellationToken);
        if (text is not null)
        {
            yield return text;
        }
    }
}
