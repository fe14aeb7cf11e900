using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.Operator.ModelDeployments;
using AiOperator.Operator.Monitoring;
using AiOperator.Operator.Rollouts;
using AiOperator.Api.V1Alpha1;
using k8s.Models;

namespace AiOperator.Operator.Tests.ModelDeployments;

// ModelLoaded=False from the server's own metrics, without waiting for the startup probe to give up.
public sealed class ModelLoadFailureProjectionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_reported_load_failure_of_a_current_pod_is_ModelLoaded_False_with_the_servers_reason()
    {
        var md = ModelDeploymentFixtures.Resnet(replicas: 1);
        ModelLoadFailure[] failures = [new("resnet-3-aaaaaa-x", "3-aaaaaa", "model file is not a valid ONNX graph", Now)];

        var status = ModelDeploymentStatusProjection.Compute(Observe(md, failures), Now);

        var loaded = Conditions.Find(status.Conditions, "ModelLoaded")!;
        Assert.Equal(("False", "ModelLoadFailed"), (loaded.Status, loaded.Reason));
        Assert.Equal("pod resnet-3-aaaaaa-x: model file is not a valid ONNX graph", loaded.Message);
    }

    [Fact]
    public void The_running_servers_reason_beats_how_an_earlier_container_ended()
    {
        var md = ModelDeploymentFixtures.Resnet(replicas: 1);
        var pod = Pod("3-aaaaaa");
        pod.Status.ContainerStatuses = [new V1ContainerStatus { Name = "server", LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 143 } } }];
        ModelLoadFailure[] failures = [new("resnet-3-aaaaaa-x", "3-aaaaaa", "sha256 mismatch", Now)];

        var status = ModelDeploymentStatusProjection.Compute(Observe(md, failures, pod), Now);

        Assert.Equal("pod resnet-3-aaaaaa-x: sha256 mismatch", Conditions.Find(status.Conditions, "ModelLoaded")!.Message);
    }

    [Fact]
    public void Failures_of_other_revisions_or_vanished_pods_do_not_count()
    {
        var md = ModelDeploymentFixtures.Resnet(replicas: 1);
        ModelLoadFailure[] failures =
        [
            new("resnet-2-bbbbbb-x", "2-bbbbbb", "old revision", Now),
            new("resnet-3-aaaaaa-gone", "3-aaaaaa", "pod no longer listed", Now),
        ];

        var status = ModelDeploymentStatusProjection.Compute(Observe(md, failures), Now);

        Assert.Equal("Unknown", Conditions.Find(status.Conditions, "ModelLoaded")!.Status);
    }

    // The reconciler's order: the rollout decides from the observed Deployment, the projection summarises.
    private static ModelDeploymentObservation Observe(ModelDeployment md, IReadOnlyList<ModelLoadFailure> failures, V1Pod? pod = null)
    {
        var decision = RolloutEngine.Decide(new RolloutInput(md.Spec, md.Status, "3-aaaaaa", md.Spec.Model.Version, 1,
            [new ObservedRevision("3-aaaaaa", 1, 0, 1)], RolloutCommands.Parse(md.Metadata.Annotations), null, Now));
        return new ModelDeploymentObservation(md, "3-aaaaaa", 1, [Deployment("3-aaaaaa")], [pod ?? Pod("3-aaaaaa")], decision, failures);
    }

    private static V1Deployment Deployment(string revision) => new()
    {
        Metadata = new V1ObjectMeta { Name = "resnet-" + revision, Generation = 1, Labels = new Dictionary<string, string> { ["aioperator.dev/revision"] = revision } },
        Spec = new V1DeploymentSpec { Replicas = 1 },
        Status = new V1DeploymentStatus { Replicas = 1, ReadyReplicas = 0, ObservedGeneration = 1 },
    };

    private static V1Pod Pod(string revision) => new()
    {
        Metadata = new V1ObjectMeta { Name = "resnet-" + revision + "-x", Labels = new Dictionary<string, string> { ["aioperator.dev/revision"] = revision } },
        Status = new V1PodStatus { Phase = "Running", Conditions = [new V1PodCondition { Type = "Ready", Status = "False" }] },
    };
}
