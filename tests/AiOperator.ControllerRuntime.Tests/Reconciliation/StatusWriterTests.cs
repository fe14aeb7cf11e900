using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.ControllerRuntime.Tests.Fakes;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Reconciliation;

public sealed class StatusWriterTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Unchanged_status_makes_no_call()
    {
        var api = new RecordingKubeApi();
        var cached = Deployment(ready: 2, Conditions.Set(null, "Available", true, "MinimumReplicasAvailable", "", null, Now));
        var desired = new V1DeploymentStatus
        {
            ReadyReplicas = 2,
            ObservedGeneration = 4,
            Conditions = [.. Conditions.Set(null, "Available", true, "MinimumReplicasAvailable", "", null, Now).Select(ToDeploymentCondition)],
        };

        var result = await new StatusWriter(api).UpdateAsync(cached, desired, CancellationToken.None);

        Assert.Equal(WriteOutcome.Unchanged, result.Outcome);
        Assert.Empty(api.Calls);
    }

    [Fact]
    public async Task Changed_status_is_patched_on_the_status_subresource_with_only_the_difference()
    {
        var api = new RecordingKubeApi();
        var cached = Deployment(ready: 2, []);
        var desired = new V1DeploymentStatus { ReadyReplicas = 3, ObservedGeneration = 4 };

        var result = await new StatusWriter(api).UpdateAsync(cached, desired, CancellationToken.None);

        Assert.Equal(WriteOutcome.Patched, result.Outcome);
        var call = Assert.Single(api.Calls);
        Assert.Equal("/apis/apps/v1/namespaces/ns/deployments/web/status", call.Path);
        Assert.Equal("""{"metadata":{"resourceVersion":"9"},"status":{"readyReplicas":3}}""", call.Body);
    }

    [Fact]
    public void A_field_dropped_from_status_is_removed_with_null()
    {
        var cached = Deployment(ready: 2, []);
        cached.Status.UnavailableReplicas = 1;

        var patch = StatusWriter.StatusPatch(cached, new V1DeploymentStatus { ReadyReplicas = 2, ObservedGeneration = 4 });

        Assert.Equal("""{"unavailableReplicas":null}""", patch!.ToJsonString());
    }

    private static V1DeploymentCondition ToDeploymentCondition(V1Condition c) =>
        new() { Type = c.Type, Status = c.Status, Reason = c.Reason, Message = c.Message, LastTransitionTime = c.LastTransitionTime };

    [Fact]
    public void The_status_alone_serializes_as_it_does_inside_the_whole_object()
    {
        var deployment = Deployment(ready: 2, Conditions.Set(null, "Available", true, "MinimumReplicasAvailable", "", null, Now));
        Assert.Equal(
            System.Text.Json.Nodes.JsonNode.Parse(k8s.KubernetesJson.Serialize(deployment))?["status"]?.ToJsonString(),
            StatusWriter.StatusOf(deployment)?.ToJsonString());

        deployment.Status = null;
        Assert.Null(StatusWriter.StatusOf(deployment));
    }

    private static V1Deployment Deployment(int ready, IEnumerable<V1Condition> conditions) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "ns", Generation = 4, ResourceVersion = "9" },
        Status = new V1DeploymentStatus
        {
            ReadyReplicas = ready,
            ObservedGeneration = 4,
            Conditions = conditions.Any() ? [.. conditions.Select(ToDeploymentCondition)] : null,
        },
    };
}
