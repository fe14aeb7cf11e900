using k8s;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Events;

/// <summary>Records a Kubernetes Event about an object without blocking the reconcile; repeats are aggregated.</summary>
public interface IEventRecorder
{
    void Record(IKubernetesObject<V1ObjectMeta> regarding, string type, string reason, string message);
}
