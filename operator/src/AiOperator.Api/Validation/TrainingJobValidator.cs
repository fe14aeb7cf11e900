using AiOperator.Api.V1Alpha1;

namespace AiOperator.Api.Validation;

/// <summary>The TrainingJob rules a CRD schema cannot express; returns every problem, not just the first.</summary>
public static class TrainingJobValidator
{
    /// <summary>The name (worker pods and the rendezvous Service are named after it) and the spec.</summary>
    public static IReadOnlyList<FieldError> Validate(TrainingJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return [.. ObjectNameRules.Validate(job.Metadata?.Name, ObjectNameRules.TrainingJobMaxLength), .. Validate(job.Spec)];
    }

    public static IReadOnlyList<FieldError> Validate(TrainingJobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(spec.Image))
        {
            errors.Add(new("spec.image", "required"));
        }

        SharedSpecRules.CheckResources(spec.Resources, "spec.resources", errors);
        SharedSpecRules.CheckScheduling(spec.Scheduling, spec.Resources?.Gpu, "spec.scheduling", errors);
        SharedSpecRules.CheckEnv(spec.Env, "spec.env", errors);

        if (spec.Output is { } output && ModelUri.HasParentSegment(output.Path))
        {
            errors.Add(new("spec.output.path", "must stay inside the claim: no \"..\" segments"));
        }

        return errors;
    }
}
