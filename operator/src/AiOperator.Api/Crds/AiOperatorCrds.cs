using AiOperator.Api.V1Alpha1;

namespace AiOperator.Api.Crds;

/// <summary>The CRDs this operator installs.</summary>
public static class AiOperatorCrds
{
    private const string Age = "Age";

    public static CrdDefinition ModelDeployments { get; } = new(
        typeof(ModelDeployment),
        ModelDeployment.KindName,
        ModelDeployment.Plural,
        ModelDeployment.Singular,
        [ModelDeployment.ShortName],
        [
            // From status: the operator fills in what the spec leaves to defaults or to a TrainingJob.
            new("Model", "string", ".status.modelName", "Name served on /v2/models/{name}"),
            new("Version", "string", ".status.modelVersion", "Model version of the spec's revision"),
            new("Phase", "string", ".status.phase", "Lifecycle phase"),
            new("Ready", "string", ".status.ready", "Ready/desired replicas"),
            new("Weight", "integer", ".status.canaryWeight", "Canary weight: percent of replicas on the canary"),
            new(Age, "date", ".metadata.creationTimestamp"),
            new("Stable", "string", ".status.stableRevision", "Revision serving the bulk of traffic", Priority: 1),
            new("Canary", "string", ".status.canaryRevision", "Revision being rolled out", Priority: 1),
            new("Step", "integer", ".status.currentStep", "Index of the current canary step", Priority: 1),
        ],
        new ScaleSubresource(".spec.replicas", ".status.replicas", ".status.selector"));

    public static CrdDefinition TrainingJobs { get; } = new(
        typeof(TrainingJob),
        TrainingJob.KindName,
        TrainingJob.Plural,
        TrainingJob.Singular,
        [TrainingJob.ShortName],
        [
            new("Phase", "string", ".status.phase", "Lifecycle phase"),
            new("Workers", "string", ".status.workersRunning", "Running/total workers"),
            new("Restarts", "integer", ".status.restarts", "Whole-gang restarts"),
            new(Age, "date", ".metadata.creationTimestamp"),
        ],
        Scale: null)
    {
        NameMaxLength = Validation.ObjectNameRules.TrainingJobMaxLength,
    };

    public static IReadOnlyList<CrdDefinition> All { get; } = [ModelDeployments, TrainingJobs];
}
