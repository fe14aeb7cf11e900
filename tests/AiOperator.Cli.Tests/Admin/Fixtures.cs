using AiOperator.Api.V1Alpha1;
using k8s.Models;

namespace AiOperator.Cli.Tests.Admin;

/// <summary>A ModelDeployment mid-rollout, as the operator's status would describe it.</summary>
internal static class Fixtures
{
    public static ModelDeployment Canary(string ns = "vision", string name = "resnet") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Generation = 2 },
        Spec = new ModelDeploymentSpec
        {
            Model = new ModelSource { Name = "resnet18", Version = "4", Uri = "pvc://models/resnet18/4/model.onnx" },
            Replicas = 4,
        },
        Status = new ModelDeploymentStatus
        {
            ObservedGeneration = 2,
            Phase = ModelDeploymentPhase.Progressing,
            ReadyReplicas = 4,
            DesiredReplicas = 4,
            StableRevision = "3-7f9c2d",
            CanaryRevision = "4-a1b2c3",
            CanaryWeight = 20,
            CurrentStep = 0,
            AnalysisFailures = 1,
            Revisions =
            [
                new RevisionRecord { Name = "4-a1b2c3", ModelVersion = "4", Outcome = RevisionOutcome.Progressing },
                new RevisionRecord { Name = "3-7f9c2d", ModelVersion = "3", Outcome = RevisionOutcome.Stable },
                new RevisionRecord { Name = "2-0c0ffe", ModelVersion = "2", Outcome = RevisionOutcome.Superseded },
            ],
        },
    };

    public static ModelDeployment Stable()
    {
        var md = Canary();
        md.Status!.CanaryRevision = null;
        md.Status.CanaryWeight = 0;
        md.Status.Phase = ModelDeploymentPhase.Ready;
        return md;
    }

    public static V1Pod Pod(string name, string revision, bool ready) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = new Dictionary<string, string> { ["aioperator.dev/model-deployment"] = "resnet", ["aioperator.dev/revision"] = revision },
        },
        Status = new V1PodStatus
        {
            Phase = "Running",
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
        },
    };
}
