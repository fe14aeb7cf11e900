using k8s;
using k8s.Models;

namespace AiOperator.Testing;

/// <summary>
/// Waits for a core/v1 Event. Controllers record Events from a background buffer (a reconcile never waits
/// for one), so an Event can land after the status or child it explains: reading the list once right after
/// waiting on the status is a race, not an assertion.
/// </summary>
public static class ClusterEvents
{
    /// <summary>Polls the namespace's Events until one matches; returns every Event seen in that poll.</summary>
    public static Task<IList<Corev1Event>> WaitForAsync(IKubernetes client, string ns, Func<Corev1Event, bool> match, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(match);
        return Eventually.ValueAsync<IList<Corev1Event>>(async () =>
        {
            var events = (await client.CoreV1.ListNamespacedEventAsync(ns).ConfigureAwait(false)).Items;
            return events.Any(match) ? events : null!;
        }, "event: " + what, timeout);
    }

    /// <summary>Polls until Events with every one of the reasons exist in the namespace.</summary>
    public static Task<IList<Corev1Event>> WaitForReasonsAsync(IKubernetes client, string ns, params string[] reasons) =>
        Eventually.ValueAsync<IList<Corev1Event>>(async () =>
        {
            var events = (await client.CoreV1.ListNamespacedEventAsync(ns).ConfigureAwait(false)).Items;
            return reasons.All(r => events.Any(e => e.Reason == r)) ? events : null!;
        }, "events with reasons " + string.Join(", ", reasons));
}
