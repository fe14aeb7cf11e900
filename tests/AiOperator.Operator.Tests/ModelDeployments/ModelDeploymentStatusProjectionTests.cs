using AiOperator.Api.V1Alpha1;
using AiOperator.Api.Validation;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.Operator.ModelDeployments;
using AiOperator.Operator.Rollouts;
using k8s.Models;

namespace AiOperator.Operator.Tests.ModelDeployments;

public sealed class ModelDeploymentStatusProjectionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static V1Deployment Deployment(string revision, int replicas, int ready) => new()
    {
        Metadata = new V1ObjectMeta { Name = "resnet-" + revision, Generation = 1, Labels = new Dictionary<string, string> { ["aioperator.dev/revision"] = revision } },
        Spec = new V1DeploymentSpec { Replicas = replicas },
        Status = new V1DeploymentStatus { Replicas = replicas, ReadyReplicas = ready, ObservedGeneration = 1 },
    };

    private static V1Pod Pod(string revision, V1ContainerStatus? container = null, bool ready = false) => new()
    {
        Metadata = new V1ObjectMeta { Name = "resnet-" + revision + "-x", Labels = new Dictionary<string, string> { ["aioperator.dev/revision"] = revision } },
        Status = new V1PodStatus
        {
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
            ContainerStatuses = container is null ? null : [container],
        },
    };

    // The reconciler's order: the rollout decides from the observed Deployments, the projection summarises.
    private static ModelDeploymentStatus Compute(ModelDeployment md, string revision, int total, IReadOnlyList<V1Deployment> deployments, IReadOnlyList<V1Pod> pods, DateTimeOffset now) =>
        ModelDeploymentStatusProjection.Compute(Observe(md, revision, total, deployments, pods, now), now);

    private static ModelDeploymentObservation Observe(ModelDeployment md, string revision, int total, IReadOnlyList<V1Deployment> deployments, IReadOnlyList<V1Pod> pods, DateTimeOffset now)
    {
        var observed = deployments.Select(d => new ObservedRevision(ModelDeploymentStatusProjection.RevisionOf(d)!, d.Spec.Replicas ?? 0, d.Status.ReadyReplicas ?? 0, d.Status.Replicas ?? 0)).ToList();
        var decision = RolloutEngine.Decide(new RolloutInput(md.Spec, md.Status, revision, md.Spec.Model.Version, total, observed,
            RolloutCommands.Parse(md.Metadata.Annotations), null, now));
        return new ModelDeploymentObservation(md, revision, total, deployments, pods, decision);
    }

    [Fact]
    public void All_replicas_of_one_revision_ready_is_phase_ready_and_that_revision_is_stable()
    {
        var md = ModelDeploymentFixtures.Resnet(replicas: 2);
        var status = Compute(md, "3-aaaaaa", 2, [Deployment("3-aaaaaa", 2, 2)], [Pod("3-aaaaaa", ready: true)], Now);
        Assert.Equal(ModelDeploymentPhase.Ready, status.Phase);
        Assert.Equal("2/2", status.Ready);
        Assert.Equal("3-aaaaaa", status.StableRevision);
        Assert.Equal(3, status.ObservedGeneration);
        Assert.True(Conditions.IsTrue(status.Conditions, "Ready"));
        Assert.True(Conditions.IsTrue(status.Conditions, "ModelLoaded"));
        Assert.False(Conditions.IsTrue(status.Conditions, "Progressing"));
        Assert.Equal("http://resnet.vision.svc.cluster.local/v2/models/resnet18", status.Url);
        Assert.Equal("aioperator.dev/model-deployment=resnet", status.Selector);
        Assert.Equal(RevisionOutcome.Stable, Assert.Single(status.Revisions!).Outcome);
        Assert.Equal(("resnet18", "3"), (status.ModelName, status.ModelVersion));
    }

    [Fact]
    public void The_printer_columns_name_and_version_come_from_defaults_and_the_resolved_source()
    {
        // No spec.model.name: served under metadata.name. The version is the one of the spec's revision as the
        // reconciler resolved it (with fromTrainingJob, the accepted job output's), not a blank spec field.
        var md = ModelDeploymentFixtures.Resnet(replicas: 1);
        md.Spec.Model.Name = null;
        md.Spec.Model.Version = "7";
        var status = Compute(md, "7-aaaaaa", 1, [Deployment("7-aaaaaa", 1, 1)], [], Now);
        Assert.Equal(("resnet", "7"), (status.ModelName, status.ModelVersion));
    }

    [Fact]
    public void A_second_identical_computation_changes_nothing_so_no_status_write_happens()
    {
        var md = ModelDeploymentFixtures.Resnet(replicas: 2);
        var observed = Observe(md, "3-aaaaaa", 2, [Deployment("3-aaaaaa", 2, 2)], [Pod("3-aaaaaa", ready: true)], Now);
        md.Status = ModelDeploymentStatusProjection.Compute(observed, Now);
        var again = ModelDeploymentStatusProjection.Compute(Observe(md, "3-aaaaaa", 2, [Deployment("3-aaaaaa", 2, 2)], [Pod("3-aaaaaa", ready: true)], Now.AddMinutes(5)), Now.AddMinutes(5));
        Assert.Null(StatusWriter.StatusPatch(md, again));
    }

    [Fact]
    public void A_canary_is_progressing_with_its_step_and_the_old_revision_stays_stable()
    {
        var md = ModelDeploymentFixtures.Resnet(replicas: 2);
        md.Status = Compute(md, "3-aaaaaa", 2, [Deployment("3-aaaaaa", 2, 2)], [], Now);
        var rolling = Compute(md, "4-bbbbbb", 2, [Deployment("3-aaaaaa", 2, 2)], [], Now);
        Assert.Equal(ModelDeploymentPhase.Progressing, rolling.Phase);
        Assert.Equal("3-aaaaaa", rolling.StableRevision);
        Assert.Equal("4-bbbbbb", rolling.CanaryRevision);
        Assert.Equal(20, rolling.CanaryWeight);
        Assert.Equal(["4-bbbbbb", "3-aaaaaa"], rolling.Revisions!.Select(r => r.Name));
        Assert.Equal(RevisionOutcome.Progressing, rolling.Revisions![0].Outcome);
        var progressing = Conditions.Find(rolling.Conditions, "Progressing")!;
        Assert.Equal(("True", "CanaryProgressing"), (progressing.Status, progressing.Reason));
        // One pod of two is half the traffic, whatever the step's weight says: the message says so.
        Assert.Contains("step 1 of 2, weight 20% (1 of 2 replicas: 50% of traffic): 0/1 canary pods ready", progressing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_canary_whose_pods_match_its_weight_gets_no_share_note()
    {
        var md = ModelDeploymentFixtures.Resnet(replicas: 5);
        md.Status = Compute(md, "3-aaaaaa", 5, [Deployment("3-aaaaaa", 5, 5)], [], Now);
        var rolling = Compute(md, "4-bbbbbb", 5, [Deployment("3-aaaaaa", 5, 5)], [], Now);

        var progressing = Conditions.Find(rolling.Conditions, "Progressing")!;
        Assert.Contains("step 1 of 2, weight 20%: 0/1 canary pods ready", progressing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_idle_canary_says_in_the_progressing_condition_that_it_waits_for_traffic()
    {
        var md = ModelDeploymentFixtures.Resnet(replicas: 2);
        md.Status = Compute(md, "3-aaaaaa", 2, [Deployment("3-aaaaaa", 2, 2)], [], Now);
        md.Status = Compute(md, "4-bbbbbb", 2, [Deployment("3-aaaaaa", 2, 2)], [], Now);
        var deployments = new[] { Deployment("3-aaaaaa", 1, 1), Deployment("4-bbbbbb", 1, 1) };
        var observed = deployments.Select(d => new ObservedRevision(ModelDeploymentStatusProjection.RevisionOf(d)!, 1, 1, 1)).ToList();
        var idle = new AiOperator.Operator.Monitoring.RevisionMetrics(0, 0, double.NaN, double.NaN, double.NaN, double.NaN, 0, 0, 1, 0, Now);
        var decision = RolloutEngine.Decide(new RolloutInput(md.Spec, md.Status, "4-bbbbbb", md.Spec.Model.Version, 2, observed, RolloutCommands.Parse(null), idle, Now.AddSeconds(5)));
        var status = ModelDeploymentStatusProjection.Compute(new ModelDeploymentObservation(md, "4-bbbbbb", 2, deployments, [], decision), Now.AddSeconds(5));

        var progressing = Conditions.Find(status.Conditions, "Progressing")!;
        Assert.Equal(("True", "CanaryProgressing"), (progressing.Status, progressing.Reason));
        Assert.EndsWith("last analysis Inconclusive: waiting for traffic: 0 of minRequests 50 requests in the window at step 1", progressing.Message, StringComparison.Ordinal);
        Assert.Equal(AnalysisResult.Inconclusive, status.LastAnalysis!.Result);
    }

    [Fact]
    public void A_canary_that_cannot_get_one_gpu_says_so_in_a_condition()
    {
        var md = ModelDeploymentFixtures.Resnet(replicas: 2);
        md.Status = Compute(md, "3-aaaaaa", 2, [Deployment("3-aaaaaa", 2, 2)], [], Now);
        md.Status = Compute(md, "4-bbbbbb", 2, [Deployment("3-aaaaaa", 2, 2)], [], Now);
        var pod = Pod("4-bbbbbb");
        pod.Status.Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = "Unschedulable", Message = "0/2 nodes are available: 2 Insufficient nvidia.com/gpu." }];
        var status = Compute(md, "4-bbbbbb", 2, [Deployment("3-aaaaaa", 2, 2), Deployment("4-bbbbbb", 1, 0)], [pod], Now.AddSeconds(5));
        var progressing = Conditions.Find(status.Conditions, "Progressing")!;
        Assert.Equal("InsufficientGpuForCanary", progressing.Reason);
        Assert.Contains("strategy Recreate", progressing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rolled_back_spec_revision_is_not_ready_and_degraded_until_the_spec_changes()
    {
        var md = ModelDeploymentFixtures.Resnet(replicas: 2);
        md.Status = Compute(md, "3-aaaaaa", 2, [Deployment("3-aaaaaa", 2, 2)], [], Now);
        md.Status = Compute(md, "4-bbbbbb", 2, [Deployment("3-aaaaaa", 2, 2)], [], Now);
        md.Metadata.Annotations = new Dictionary<string, string> { ["aioperator.dev/abort"] = "true" };
        var status = Compute(md, "4-bbbbbb", 2, [Deployment("3-aaaaaa", 2, 2), Deployment("4-bbbbbb", 1, 1)], [], Now.AddSeconds(10));

        Assert.Equal(ModelDeploymentPhase.RolledBack, status.Phase);
        Assert.Equal(("False", "RolledBack"), (Conditions.Find(status.Conditions, "Ready")!.Status, Conditions.Find(status.Conditions, "Ready")!.Reason));
        Assert.True(Conditions.IsTrue(status.Conditions, "Degraded"));
        Assert.True(Conditions.IsTrue(status.Conditions, "RolledBack"));
        Assert.Contains("aborted by annotation", Conditions.Find(status.Conditions, "RolledBack")!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_crashing_model_server_reports_model_loaded_false_with_its_termination_message()
    {
        var md = ModelDeploymentFixtures.Resnet(replicas: 1);
        var crashed = new V1ContainerStatus
        {
            Name = "model-server",
            State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff" } },
            LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 1, Message = "sha256 mismatch: expected ab.., got cd.." } },
        };
        var status = Compute(md, "3-aaaaaa", 1, [Deployment("3-aaaaaa", 1, 0)], [Pod("3-aaaaaa", crashed)], Now);
        var loaded = Conditions.Find(status.Conditions, "ModelLoaded")!;
        Assert.Equal(("False", "ModelLoadFailed"), (loaded.Status, loaded.Reason));
        Assert.Contains("sha256 mismatch", loaded.Message, StringComparison.Ordinal);
        Assert.Equal(ModelDeploymentPhase.Progressing, status.Phase);
    }

    [Fact]
    public void A_model_that_never_loaded_is_reported_after_its_startup_window_even_with_a_clean_exit()
    {
        var md = ModelDeploymentFixtures.Resnet(replicas: 1);
        var restarted = new V1ContainerStatus
        {
            Name = "model-server",
            Ready = false,
            RestartCount = 1,
            State = new V1ContainerState { Running = new V1ContainerStateRunning() },
            LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed", Message = "model file is not a valid ONNX model" } },
        };
        var status = Compute(md, "3-aaaaaa", 1, [Deployment("3-aaaaaa", 1, 0)], [Pod("3-aaaaaa", restarted)], Now);

        var loaded = Conditions.Find(status.Conditions, "ModelLoaded")!;
        Assert.Equal(("False", "ModelLoadFailed"), (loaded.Status, loaded.Reason));
        Assert.Contains("not a valid ONNX model", loaded.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_clean_exit_without_a_message_is_not_a_load_failure()
    {
        var md = ModelDeploymentFixtures.Resnet(replicas: 1);
        var stopped = new V1ContainerStatus
        {
            Name = "model-server",
            State = new V1ContainerState { Running = new V1ContainerStateRunning() },
            LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed" } },
        };
        var status = Compute(md, "3-aaaaaa", 1, [Deployment("3-aaaaaa", 1, 0)], [Pod("3-aaaaaa", stopped)], Now);

        Assert.Equal("Loading", Conditions.Find(status.Conditions, "ModelLoaded")!.Reason);
    }

    [Fact]
    public void An_unschedulable_pod_is_named_with_the_schedulers_reason()
    {
        var md = ModelDeploymentFixtures.Resnet(replicas: 1);
        var pod = Pod("3-aaaaaa");
        pod.Status.Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = "Unschedulable", Message = "0/2 nodes are available: 2 Insufficient nvidia.com/gpu." }];
        var status = Compute(md, "3-aaaaaa", 1, [Deployment("3-aaaaaa", 1, 0)], [pod], Now);
        var progressing = Conditions.Find(status.Conditions, "Progressing")!;
        Assert.Equal("Unschedulable", progressing.Reason);
        Assert.Contains("Insufficient nvidia.com/gpu", progressing.Message, StringComparison.Ordinal);
        Assert.Equal(ModelDeploymentPhase.Pending, status.Phase);
    }

    [Fact]
    public void Pods_the_api_server_refuses_are_named_with_its_words_from_the_deployments_ReplicaFailure()
    {
        var md = ModelDeploymentFixtures.Resnet(replicas: 2);
        const string refusal = "Error creating: pods \"resnet-3-aaaaaa-x\" is forbidden: violates PodSecurity \"restricted:latest\": runAsUser=0 (pod must not set runAsUser=0)";
        var refused = Deployment("3-aaaaaa", 2, 0);
        refused.Status.Conditions = [new V1DeploymentCondition { Type = "ReplicaFailure", Status = "True", Reason = "FailedCreate", Message = refusal }];
        var scaledUp = Deployment("3-aaaaaa", 3, 2);
        scaledUp.Status.Conditions = refused.Status.Conditions;

        var first = Conditions.Find(Compute(md, "3-aaaaaa", 2, [refused], [], Now).Conditions, "Progressing")!;
        var stable = Compute(ModelDeploymentFixtures.Resnet(replicas: 3), "3-aaaaaa", 3, [scaledUp], [Pod("3-aaaaaa", ready: true)], Now);

        Assert.Equal(("True", "FailedCreate"), (first.Status, first.Reason));
        Assert.Equal($"rolling out revision 3-aaaaaa: 0/2 ready; pods cannot be created: {refusal}", first.Message);
        var progressing = Conditions.Find(stable.Conditions, "Progressing")!;
        Assert.Equal("FailedCreate", progressing.Reason);
        Assert.EndsWith($"pods cannot be created: {refusal}", progressing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_scale_up_waits_for_its_new_pods_as_progressing_not_degraded()
    {
        var md = ModelDeploymentFixtures.Resnet(replicas: 1);
        md.Status = Compute(md, "3-aaaaaa", 1, [Deployment("3-aaaaaa", 1, 1)], [], Now);
        Assert.Equal(ModelDeploymentPhase.Ready, md.Status.Phase);

        md.Status = Compute(md, "3-aaaaaa", 4, [Deployment("3-aaaaaa", 4, 1)], [], Now);
        Assert.Equal(ModelDeploymentPhase.Progressing, md.Status.Phase);
        Assert.False(Conditions.IsTrue(md.Status.Conditions, "Degraded"));
        md.Status = Compute(md, "3-aaaaaa", 4, [Deployment("3-aaaaaa", 4, 2)], [], Now);
        Assert.Equal(ModelDeploymentPhase.Progressing, md.Status.Phase);
        Assert.Equal(ModelDeploymentPhase.Ready, Compute(md, "3-aaaaaa", 4, [Deployment("3-aaaaaa", 4, 4)], [], Now).Phase);
    }

    [Fact]
    public void A_first_revision_not_ready_by_the_progress_deadline_is_degraded_until_it_comes_up()
    {
        var md = ModelDeploymentFixtures.Resnet(replicas: 2);
        md.Status = Compute(md, "3-aaaaaa", 2, [Deployment("3-aaaaaa", 2, 0)], [], Now);
        Assert.Equal(ModelDeploymentPhase.Pending, md.Status.Phase);

        md.Status = Compute(md, "3-aaaaaa", 2, [Deployment("3-aaaaaa", 2, 0)], [], Now.AddSeconds(599));
        Assert.NotEqual(ModelDeploymentPhase.Degraded, md.Status.Phase);
        md.Status = Compute(md, "3-aaaaaa", 2, [Deployment("3-aaaaaa", 2, 1)], [], Now.AddSeconds(600));
        Assert.Equal(ModelDeploymentPhase.Degraded, md.Status.Phase);
        var progressing = Conditions.Find(md.Status.Conditions, "Progressing")!;
        Assert.Equal(("False", "ProgressDeadlineExceeded"), (progressing.Status, progressing.Reason));
        Assert.Contains("1/2 ready", progressing.Message, StringComparison.Ordinal);
        Assert.True(Conditions.IsTrue(md.Status.Conditions, "Degraded"));

        // Nothing to roll back to: its pods stay, and once they are ready it is Ready like any other.
        Assert.Equal(ModelDeploymentPhase.Ready, Compute(md, "3-aaaaaa", 2, [Deployment("3-aaaaaa", 2, 2)], [], Now.AddSeconds(700)).Phase);
    }

    [Fact]
    public void Losing_replicas_after_being_ready_is_degraded()
    {
        var md = ModelDeploymentFixtures.Resnet(replicas: 3);
        md.Status = Compute(md, "3-aaaaaa", 3, [Deployment("3-aaaaaa", 3, 3)], [], Now);
        var status = Compute(md, "3-aaaaaa", 3, [Deployment("3-aaaaaa", 3, 1)], [], Now);
        Assert.Equal(ModelDeploymentPhase.Degraded, status.Phase);
        Assert.True(Conditions.IsTrue(status.Conditions, "Degraded"));
    }

    [Fact]
    public void A_service_that_is_not_ours_makes_a_serving_deployment_not_ready_and_degraded()
    {
        var md = ModelDeploymentFixtures.Resnet();
        var serving = Compute(md, "3-aaaaaa", 2, [Deployment("3-aaaaaa", 2, 2)], [], Now);
        Assert.Equal(ModelDeploymentPhase.Ready, serving.Phase);

        var status = ModelDeploymentStatusProjection.ServiceMissing(serving, "NameConflict", "Service resnet exists and is not owned by this ModelDeployment", 7, Now);
        Assert.Equal(ModelDeploymentPhase.Degraded, status.Phase);
        var ready = Conditions.Find(status.Conditions, "Ready")!;
        Assert.Equal(("False", "NameConflict", 7L), (ready.Status, ready.Reason, ready.ObservedGeneration));
        Assert.Contains("Service resnet exists", ready.Message, StringComparison.Ordinal);
        Assert.True(Conditions.IsTrue(status.Conditions, "Degraded"));

        // A rollout in progress keeps its phase; only Ready says the Service is missing.
        var rolling = new ModelDeploymentStatus { Phase = ModelDeploymentPhase.Progressing };
        Assert.Equal(ModelDeploymentPhase.Progressing, ModelDeploymentStatusProjection.ServiceMissing(rolling, "NameConflict", "x", 7, Now).Phase);
    }

    [Fact]
    public void Invalid_spec_is_failed_with_every_field_in_the_message_and_keeps_serving_fields()
    {
        var md = ModelDeploymentFixtures.Resnet();
        md.Status = Compute(md, "3-aaaaaa", 2, [Deployment("3-aaaaaa", 2, 2)], [], Now);
        var status = ModelDeploymentStatusProjection.Invalid(md, [new FieldError("spec.autoscaling.minReplicas", "too big"), new FieldError("spec.rollout.steps[1].weight", "falls")], Now);
        Assert.Equal(ModelDeploymentPhase.Failed, status.Phase);
        var valid = Conditions.Find(status.Conditions, "SpecValid")!;
        Assert.Equal("False", valid.Status);
        Assert.Contains("spec.autoscaling.minReplicas", valid.Message, StringComparison.Ordinal);
        Assert.Contains("spec.rollout.steps[1].weight", valid.Message, StringComparison.Ordinal);
        Assert.Equal("3-aaaaaa", status.StableRevision);
        Assert.Equal(("resnet18", "3"), (status.ModelName, status.ModelVersion));
        Assert.True(Conditions.IsTrue(md.Status.Conditions, "Ready"));
        md.Metadata.Generation = 8;
        var ready = Conditions.Find(ModelDeploymentStatusProjection.Invalid(md, [new FieldError("spec.autoscaling.minReplicas", "too big")], Now).Conditions, "Ready")!;
        Assert.Equal(("False", "InvalidSpec", 8L), (ready.Status, ready.Reason, ready.ObservedGeneration));
        Assert.Contains("revision 3-aaaaaa keeps serving", ready.Message, StringComparison.Ordinal);

        md.Spec.Model = null!;
        Assert.Equal("resnet", ModelDeploymentStatusProjection.Invalid(md, [new FieldError("spec.model", "required")], Now).ModelName);
    }
}
