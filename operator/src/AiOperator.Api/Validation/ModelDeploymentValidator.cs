using AiOperator.Api.V1Alpha1;

namespace AiOperator.Api.Validation;

/// <summary>The ModelDeployment rules a CRD schema cannot express; returns every problem, not just the first.</summary>
public static class ModelDeploymentValidator
{
    /// <summary>The name (children are named after it) and the spec.</summary>
    public static IReadOnlyList<FieldError> Validate(ModelDeployment md)
    {
        ArgumentNullException.ThrowIfNull(md);
        return [.. ObjectNameRules.Validate(md.Metadata?.Name, ObjectNameRules.ModelDeploymentMaxLength), .. Validate(md.Spec)];
    }

    public static IReadOnlyList<FieldError> Validate(ModelDeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new List<FieldError>();
        CheckModel(spec.Model, errors);
        CheckRuntime(spec, errors);
        SharedSpecRules.CheckResources(spec.Resources, "spec.resources", errors);
        SharedSpecRules.CheckScheduling(spec.Scheduling, spec.Resources?.Gpu, "spec.scheduling", errors);
        CheckAutoscaling(spec.Autoscaling, errors);
        CheckRollout(spec.Rollout, errors);
        return errors;
    }

    private static void CheckModel(ModelSource? model, List<FieldError> errors)
    {
        if (model is null)
        {
            errors.Add(new("spec.model", "required"));
            return;
        }

        var hasUri = !string.IsNullOrEmpty(model.Uri);
        if (hasUri && model.FromTrainingJob is not null)
        {
            errors.Add(new("spec.model.fromTrainingJob", "must not be set together with spec.model.uri; choose one source"));
        }
        else if (!hasUri && model.FromTrainingJob is null)
        {
            errors.Add(new("spec.model.uri", "one of spec.model.uri or spec.model.fromTrainingJob is required"));
        }

        var error = "";
        var uri = hasUri ? ModelUri.TryParse(model.Uri!, out error) : null;
        if (hasUri && uri is null)
        {
            errors.Add(new("spec.model.uri", error));
        }
        else if (uri?.Scheme == ModelUri.Http && string.IsNullOrEmpty(model.Sha256))
        {
            // Nothing protects a plain-http download in transit: the digest is what makes it trustworthy. The model
            // server refuses to start without it, so a revision rolled out without it could never become ready.
            errors.Add(new("spec.model.sha256", "required when spec.model.uri is plain http://; give the model's SHA-256 or use https://"));
        }

        if (model.FromTrainingJob?.Gate is { } gate)
        {
            if (gate.Min is null && gate.Max is null)
            {
                errors.Add(new("spec.model.fromTrainingJob.gate", "needs min or max"));
            }
            else if (gate.Min > gate.Max)
            {
                errors.Add(new("spec.model.fromTrainingJob.gate.min", $"must not exceed gate.max ({gate.Max})"));
            }
        }
    }

    private static void CheckRuntime(ModelDeploymentSpec spec, List<FieldError> errors)
    {
        var provider = spec.Runtime?.ExecutionProvider ?? ExecutionProvider.Auto;
        var gpus = spec.Resources?.Gpu?.Count ?? 0;
        if (provider is ExecutionProvider.Cuda or ExecutionProvider.TensorRT && gpus == 0)
        {
            errors.Add(new("spec.runtime.executionProvider",
                $"{(provider == ExecutionProvider.Cuda ? "CUDA" : "TensorRT")} needs spec.resources.gpu.count > 0"));
        }

        SharedSpecRules.CheckEnv(spec.Runtime?.Env, "spec.runtime.env", errors);
    }

    private static void CheckAutoscaling(AutoscalingSpec? autoscaling, List<FieldError> errors)
    {
        if (autoscaling is null)
        {
            return;
        }

        var min = autoscaling.MinReplicas ?? 1;
        var max = autoscaling.MaxReplicas ?? 8;
        if (min == 0)
        {
            errors.Add(new("spec.autoscaling.minReplicas",
                "scale to zero (0) is not supported yet: it needs an activator to hold requests while a pod starts; use 1 or more"));
        }

        if (min > max)
        {
            errors.Add(new("spec.autoscaling.minReplicas", $"must not exceed spec.autoscaling.maxReplicas ({max}), got {min}"));
        }

        if (autoscaling.Target is <= 0)
        {
            errors.Add(new("spec.autoscaling.target", $"must be greater than 0, got {autoscaling.Target}"));
        }

        if (autoscaling.Metric == AutoscalingMetric.GpuUtilization && autoscaling.Target > 1)
        {
            errors.Add(new("spec.autoscaling.target", $"GpuUtilization is a fraction between 0 and 1, got {autoscaling.Target}"));
        }

        // The server's finest latency bucket is 0.5 ms: a smaller p95 target can never be met and would scale to maxReplicas.
        if (autoscaling.Metric == AutoscalingMetric.LatencyP95Ms && autoscaling.Target is > 0 and < 1)
        {
            errors.Add(new("spec.autoscaling.target", $"LatencyP95Ms is in milliseconds and must be at least 1, got {autoscaling.Target}"));
        }
    }

    private static void CheckRollout(RolloutSpec? rollout, List<FieldError> errors)
    {
        if (rollout?.Steps is not { } steps)
        {
            return;
        }

        for (var i = 1; i < steps.Count; i++)
        {
            if (steps[i].Weight <= steps[i - 1].Weight)
            {
                errors.Add(new($"spec.rollout.steps[{i}].weight",
                    $"weights must rise step by step: {steps[i].Weight} is not greater than {steps[i - 1].Weight}"));
            }
        }
    }
}
