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
    public async Task A_status_equal_to_a_cache_behind_this_process_own_last_write_is_sent_under_the_cached_resource_version()
    {
        // Reconcile 1 wrote readyReplicas 3; the cache still shows 2 when reconcile 2, on newer facts, wants 2
        // again. "Unchanged" would leave 3 in place for good (its echo starts no reconcile), so it is sent: the
        // cached resourceVersion makes the API server refuse it if the object moved on.
        var api = new RecordingKubeApi();
        var echoes = new StatusEchoes();
        var writer = new StatusWriter(api, echoes);
        var cached = Deployment(ready: 2, []);
        await writer.UpdateAsync(cached, new V1DeploymentStatus { ReadyReplicas = 3, ObservedGeneration = 4 }, CancellationToken.None);

        var again = await writer.UpdateAsync(cached, new V1DeploymentStatus { ReadyReplicas = 2, ObservedGeneration = 4 }, CancellationToken.None);

        Assert.Equal(WriteOutcome.Patched, again.Outcome);
        Assert.Equal("""{"metadata":{"resourceVersion":"9"},"status":{"observedGeneration":4,"readyReplicas":2}}""", api.Calls[1].Body);

        // That write is now the last one this process made: an equal status is unchanged again.
        var third = await writer.UpdateAsync(cached, new V1DeploymentStatus { ReadyReplicas = 2, ObservedGeneration = 4 }, CancellationToken.None);
        Assert.Equal(WriteOutcome.Unchanged, third.Outcome);
        Assert.Equal(2, api.Calls.Count);
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
