namespace AiOperator.Api.Schema;

/// <summary>Marks a field that passes arbitrary Kubernetes objects through (affinity, env, tolerations).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PreserveUnknownFieldsAttribute : Attribute;
