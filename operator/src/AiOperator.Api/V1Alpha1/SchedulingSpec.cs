using System.ComponentModel;
using System.Text.Json.Serialization;
using AiOperator.Api.Schema;
using k8s.Models;

namespace AiOperator.Api.V1Alpha1;

[Description("Where pods may run.")]
public sealed class SchedulingSpec
{
    [JsonPropertyName("nodeSelector")]
    [Description("Node labels every pod requires.")]
    public IDictionary<string, string>? NodeSelector { get; set; }

    [JsonPropertyName("tolerations")]
    [Description("Extra tolerations; the GPU taint toleration is added automatically.")]
    public IList<V1Toleration>? Tolerations { get; set; }

    [JsonPropertyName("affinity")]
    [Description("Pod affinity, as in a pod spec (typed: the API server validates it).")]
    public V1Affinity? Affinity { get; set; }

    [JsonPropertyName("priorityClassName"), SchemaLength(maximum: 253)]
    [Description("PriorityClass of the pods.")]
    public string? PriorityClassName { get; set; }

    [JsonPropertyName("schedulerName"), SchemaPattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"), SchemaLength(maximum: 253)]
    [Description("Scheduler of the pods, e.g. a gang scheduler (Volcano, scheduler-plugins coscheduling); default: the cluster's default scheduler.")]
    public string? SchedulerName { get; set; }
}
