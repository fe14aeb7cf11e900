using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.ControllerRuntime.Tests.Fakes;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Reconciliation;

public sealed class ResourceWriterTests
{
    [Fact]
    public async Task No_drift_means_zero_api_calls()
    {
        var api = new RecordingKubeApi();
        var writer = new ResourceWriter(api);
        var existing = ServerCopy(Desired(replicas: 2));

        var result = await writer.CreateOrPatchAsync(Desired(replicas: 2), existing, CancellationToken.None);

        Assert.Equal(WriteOutcome.Unchanged, result.Outcome);
        Assert.Same(existing, result.Object);
        Assert.Empty(api.Calls);
    }

    [Fact]
    public async Task Drift_patches_only_what_differs()
    {
        var api = new RecordingKubeApi();
        var writer = new ResourceWriter(api);

        var result = await writer.CreateOrPatchAsync(Desired(replicas: 5), ServerCopy(Desired(replicas: 2)), CancellationToken.None);

        Assert.Equal(WriteOutcome.Patched, result.Outcome);
        var call = Assert.Single(api.Calls);
        Assert.Equal("PATCH", call.Verb);
        Assert.Equal("/apis/apps/v1/namespaces/ns/deployments/web", call.Path);
        Assert.Equal("""{"spec":{"replicas":5}}""", call.Body);
    }

    [Fact]
    public async Task A_child_created_moments_ago_is_not_created_again_before_the_cache_sees_it()
    {
        var api = new RecordingKubeApi();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var writer = new ResourceWriter(api, timeProvider: time);

        await writer.CreateOrPatchAsync(Desired(replicas: 2), existing: null, CancellationToken.None);
        var again = await writer.CreateOrPatchAsync(Desired(replicas: 2), existing: null, CancellationToken.None);
        Assert.Equal(WriteOutcome.Unchanged, again.Outcome);
        Assert.Single(api.Calls);

        // Past the window a missing object is really missing (someone deleted it): create it again.
        time.Advance(TimeSpan.FromSeconds(31));
        var recreated = await writer.CreateOrPatchAsync(Desired(replicas: 2), existing: null, CancellationToken.None);
        Assert.Equal(WriteOutcome.Created, recreated.Outcome);
        Assert.Equal(2, api.Calls.Count(c => c.Verb == "POST"));
    }

    [Fact]
    public async Task Deleting_forgets_a_recent_create()
    {
        var api = new RecordingKubeApi();
        var writer = new ResourceWriter(api, timeProvider: new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        await writer.CreateOrPatchAsync(Desired(replicas: 2), existing: null, CancellationToken.None);
        await writer.DeleteAsync<V1Deployment>("ns", "web", CancellationToken.None);
        var result = await writer.CreateOrPatchAsync(Desired(replicas: 2), existing: null, CancellationToken.None);
        Assert.Equal(WriteOutcome.Created, result.Outcome);
    }

    [Fact]
    public async Task Missing_object_is_created()
    {
        var api = new RecordingKubeApi();

        var result = await new ResourceWriter(api).CreateOrPatchAsync(Desired(replicas: 1), null, CancellationToken.None);

        Assert.Equal(WriteOutcome.Created, result.Outcome);
        Assert.Equal("POST", Assert.Single(api.Calls).Verb);
    }

    [Fact]
    public void Server_owned_metadata_never_counts_as_drift()
    {
        var desired = Desired(replicas: 2);
        desired.Metadata.ResourceVersion = "1";
        var existing = ServerCopy(Desired(replicas: 2));

        Assert.Null(ResourceWriter.DriftPatch(existing, desired));
    }

    [Fact]
    public async Task Finalizer_add_is_guarded_by_resource_version_and_skipped_when_present()
    {
        var api = new RecordingKubeApi();
        var writer = new ResourceWriter(api);
        var obj = ServerCopy(Desired(replicas: 1));

        await writer.AddFinalizerAsync(obj, "aioperator.dev/cleanup", CancellationToken.None);
        obj.Metadata.Finalizers = ["aioperator.dev/cleanup"];
        var second = await writer.AddFinalizerAsync(obj, "aioperator.dev/cleanup", CancellationToken.None);

        var call = Assert.Single(api.Calls);
        Assert.Equal("""{"metadata":{"resourceVersion":"41","finalizers":["aioperator.dev/cleanup"]}}""", call.Body);
        Assert.Equal(WriteOutcome.Unchanged, second.Outcome);
    }

    private static V1Deployment Desired(int replicas) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "web",
            NamespaceProperty = "ns",
            Labels = new Dictionary<string, string> { ["aioperator.dev/model-deployment"] = "web" },
            OwnerReferences = [new V1OwnerReference { ApiVersion = "aioperator.dev/v1alpha1", Kind = "ModelDeployment", Name = "web", Uid = "u1", Controller = true, BlockOwnerDeletion = true }],
        },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "server", Image = "model-server:1", Ports = [new V1ContainerPort { ContainerPort = 8080 }] }] },
            },
        },
    };

    // What the API server hands back: server metadata, defaults and a status on top of what was sent.
    private static V1Deployment ServerCopy(V1Deployment sent)
    {
        var copy = AiOperator.ControllerRuntime.Informers.ObjectCopy.Clone(sent);
        copy.ApiVersion = "apps/v1";
        copy.Kind = "Deployment";
        copy.Metadata.Uid = "child-uid";
        copy.Metadata.ResourceVersion = "41";
        copy.Metadata.Generation = 3;
        copy.Metadata.CreationTimestamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        copy.Spec.ProgressDeadlineSeconds = 600;
        copy.Spec.RevisionHistoryLimit = 10;
        copy.Spec.Template.Spec.RestartPolicy = "Always";
        copy.Spec.Template.Spec.Containers[0].TerminationMessagePath = "/dev/termination-log";
        copy.Spec.Template.Spec.Containers[0].Ports[0].Protocol = "TCP";
        copy.Status = new V1DeploymentStatus { Replicas = sent.Spec.Replicas, ReadyReplicas = 0 };
        return copy;
    }
}
