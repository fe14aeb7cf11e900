namespace AiOperator.Api.Schema;

/// <summary>The schema default of a field, as JSON text; the API server applies it on admission.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaDefaultAttribute(string json) : Attribute
{
    public string Json { get; } = json;
}
