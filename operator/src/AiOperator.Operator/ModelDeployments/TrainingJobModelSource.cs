using System.Globalization;
using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Reconciliation;
using k8s;

namespace AiOperator.Operator.ModelDeployments;

/// <summary>
/// spec.model.fromTrainingJob (pure): which TrainingJob output a ModelDeployment serves. The output that last
/// passed the gate is remembered in status.acceptedModel, so a later output that fails the gate, a job deleted
/// or re-running, never changes what is served; a later output that passes becomes the next revision.
/// </summary>
internal static class TrainingJobModelSource
{
    /// <summary>
    /// The ModelDeployment as the rest of the reconcile sees it: for fromTrainingJob, a copy whose spec.model
    /// names the accepted output (uri, version, sha256); unchanged otherwise. Its status is the cached one, so
    /// status writes still diff against what the API server has. Accepted goes into the status written
    /// (<see cref="WithSource"/>); GateFailure says why the job's newest output is not served.
    /// </summary>
    public static (ModelDeployment Effective, OutputModel? Accepted, string? GateFailure) Resolve(ModelDeployment md, TrainingJob? job)
    {
        ArgumentNullException.ThrowIfNull(md);
        if (md.Spec.Model.FromTrainingJob is not { } from)
        {
            return (md, null, null);
        }

        var accepted = md.Status?.AcceptedModel;
        string? gateFailure = null;
        if (job?.Status is { Phase: TrainingJobPhase.Succeeded, OutputModel: { Uri.Length: > 0 } candidate } && !SameOutput(candidate, accepted))
        {
            gateFailure = GateFailure(from, candidate);
            if (gateFailure is null)
            {
                accepted = candidate;
            }
        }

        var effective = ObjectCopy.Clone(md);
        if (accepted is not null)
        {
            effective.Spec.Model.Uri = accepted.Uri;
            effective.Spec.Model.Version = string.IsNullOrEmpty(md.Spec.Model.Version) ? accepted.Version : md.Spec.Model.Version;
            effective.Spec.Model.Sha256 = string.IsNullOrEmpty(md.Spec.Model.Sha256) ? accepted.Sha256 : md.Spec.Model.Sha256;
        }

        return (effective, accepted is null ? null : ObjectCopy.Clone(accepted), gateFailure);
    }

    /// <summary>Null when the output passes the gate (or there is none), else why not, with the measured value.</summary>
    public static string? GateFailure(TrainingJobReference from, OutputModel output)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(output);
        if (from.Gate is not { } gate)
        {
            return null;
        }

        var which = $"TrainingJob {from.Name} output {output.Uri}" + (string.IsNullOrEmpty(output.Version) ? "" : $" (version {output.Version})");
        if (output.Metrics is null || !output.Metrics.TryGetValue(gate.Metric, out var value))
        {
            return $"{which} reported no metric {gate.Metric}; the gate needs it";
        }

        if (gate.Min is { } min && value < min)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{which}: {gate.Metric} {value} is below the gate's min {min}");
        }

        if (gate.Max is { } max && value > max)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{which}: {gate.Metric} {value} is above the gate's max {max}");
        }

        return null;
    }

    /// <summary>
    /// Remembers the accepted output in status; a failed gate shows on ModelLoaded (reason GateFailed) whatever
    /// the pods say, and the served revision is untouched.
    /// </summary>
    public static ModelDeploymentStatus WithSource(ModelDeploymentStatus status, OutputModel? accepted, string? gateFailure, long? generation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (accepted is not null)
        {
            status.AcceptedModel = accepted;
        }

        if (gateFailure is not null)
        {
            var serving = status.AcceptedModel is { } served ? $"; still serving {served.Uri}" : "; nothing is served yet";
            status.Conditions = Conditions.Set(status.Conditions, ModelDeploymentStatusProjection.ModelLoaded, false, "GateFailed", gateFailure + serving, generation, now);
        }

        return status;
    }

    private static bool SameOutput(OutputModel candidate, OutputModel? accepted) =>
        accepted is not null && candidate.Uri == accepted.Uri && candidate.Version == accepted.Version && candidate.Sha256 == accepted.Sha256;
}
