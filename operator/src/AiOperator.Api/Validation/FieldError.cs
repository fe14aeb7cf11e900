namespace AiOperator.Api.Validation;

/// <summary>One problem with a spec, named by its field path (e.g. <c>spec.autoscaling.minReplicas</c>).</summary>
public sealed record FieldError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
