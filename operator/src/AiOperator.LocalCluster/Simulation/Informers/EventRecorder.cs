using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.LocalCluster.Simulation.Informers;

// core/v1 Events as the real components emit them, so `kubectl describe` tells the story.
// Best effort: a failed Event never fails the action it describes.
internal sealed class EventRecorder(IKubernetes client, string component, TimeProvider time, ILogger logger)
{
    public void Record(IKubernetesObject<V1ObjectMeta> subject, string apiVersion, string kind, string type, string reason, string message)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var ns = subject.Metadata.NamespaceProperty ?? "default";
        var ev = new Corev1Event
        {
            ApiVersion = "v1",
            Kind = "Event",
            Metadata = new V1ObjectMeta { Name = $"{subject.Metadata.Name[..Math.Min(subject.Metadata.Name.Length, 236)]}.{Guid.NewGuid():N}"[..^16], NamespaceProperty = ns },
            InvolvedObject = new V1ObjectReference { ApiVersion = apiVersion, Kind = kind, Name = subject.Metadata.Name, NamespaceProperty = subject.Metadata.NamespaceProperty, Uid = subject.Metadata.Uid, ResourceVersion = subject.Metadata.ResourceVersion },
            Reason = reason,
            Message = message,
            Type = type,
            Source = new V1EventSource { Component = component },
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
            ReportingComponent = component,
            ReportingInstance = component,
        };
        _ = Task.Run(async () =>
        {
            try
            {
                await client.CoreV1.CreateNamespacedEventAsync(ev, ns);
            }
            catch (Exception ex)
            {
                logger.LogDebug(ex, "could not record event {Reason} for {Namespace}/{Name}", reason, ns, subject.Metadata.Name);
            }
        });
    }
}
