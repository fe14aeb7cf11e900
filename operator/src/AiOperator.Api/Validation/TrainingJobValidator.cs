using System.Globalization;
using System.Text.RegularExpressions;
using AiOperator.Api.V1Alpha1;

namespace AiOperator.Api.Validation;

/// <summary>The TrainingJob rules a CRD schema cannot express; returns every problem, not just the first.</summary>
public static partial class TrainingJobValidator
{
    // A pod's hostname and a Service's name are DNS-1035 labels: at most 63 characters.
    private const int MaxLabelLength = 63;

    /// <summary>The name (worker pods and the rendezvous Service are named after it) and the spec.</summary>
    public static IReadOnlyList<FieldError> Validate(TrainingJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var errors = new List<FieldError>(ObjectNameRules.Validate(job.Metadata?.Name, ObjectNameRules.TrainingJobMaxLength));
        if (errors.Count == 0)
        {
            // Within the schema's limit the longest worker name must still fit, whatever the gang size.
            CheckName(job.Metadata?.Name ?? "", job.Spec?.Workers ?? 1, errors);
        }

        errors.AddRange(Validate(job.Spec ?? new TrainingJobSpec()));
        return errors;
    }

    public static IReadOnlyList<FieldError> Validate(TrainingJobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(spec.Image))
        {
            errors.Add(new("spec.image", "required"));
        }

        if (spec.Workers is < 1)
        {
            errors.Add(new("spec.workers", $"must be at least 1, got {spec.Workers}"));
        }

        SharedSpecRules.CheckResources(spec.Resources, "spec.resources", errors);
        SharedSpecRules.CheckScheduling(spec.Scheduling, spec.Resources?.Gpu, "spec.scheduling", errors);
        SharedSpecRules.CheckEnv(spec.Env, "spec.env", errors);
        CheckReservedEnv(spec, errors);

        if (spec.Checkpoint?.MountPath is { Length: > 1 } mount && TrainingEnvironment.ReservedMountPaths.Contains(mount.TrimEnd('/'), StringComparer.Ordinal))
        {
            errors.Add(new("spec.checkpoint.mountPath",
                $"\"{mount}\" is where the operator mounts {(mount.TrimEnd('/') == TrainingEnvironment.OutputMountPath ? "the output claim (rank 0)" : "the workers' scratch space")}; choose another path (default /checkpoints)"));
        }

        if (spec.Output is null || string.IsNullOrEmpty(spec.Output.ClaimName) || string.IsNullOrEmpty(spec.Output.Path))
        {
            errors.Add(new("spec.output.claimName", "required: the claim (and spec.output.path inside it) where rank 0 writes the model"));
        }
        else if (ModelUri.HasParentSegment(spec.Output.Path))
        {
            errors.Add(new("spec.output.path", "must stay inside the claim: no \"..\" segments"));
        }

        return errors;
    }

    private static void CheckName(string name, int workers, List<FieldError> errors)
    {
        if (!Dns1035().IsMatch(name))
        {
            errors.Add(new("metadata.name", $"\"{name}\" must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter): it names the workers' hostnames and the rendezvous Service"));
            return;
        }

        var longest = TrainingEnvironment.WorkerName(name, Math.Max(0, workers - 1));
        var service = TrainingEnvironment.ServiceName(name);
        var over = longest.Length > service.Length ? longest : service;
        if (over.Length > MaxLabelLength)
        {
            errors.Add(new("metadata.name", string.Create(CultureInfo.InvariantCulture,
                $"too long: \"{over}\" has {over.Length} characters, a pod hostname or Service name allows {MaxLabelLength}; shorten the name to at most {name.Length - (over.Length - MaxLabelLength)}")));
        }
    }

    private static void CheckReservedEnv(TrainingJobSpec spec, List<FieldError> errors)
    {
        for (var i = 0; i < (spec.Env?.Count ?? 0); i++)
        {
            var name = spec.Env![i]?.Name;
            if (name is not null && TrainingEnvironment.Reserved.Contains(name, StringComparer.Ordinal))
            {
                errors.Add(new($"spec.env[{i}].name", $"\"{name}\" is set by the operator for every worker (rendezvous, ranks, checkpoint and output); remove it"));
            }
        }
    }

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035();
}
