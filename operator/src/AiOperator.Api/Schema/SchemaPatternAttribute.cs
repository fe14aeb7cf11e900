namespace AiOperator.Api.Schema;

/// <summary>A regular expression the API server enforces on a string field.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaPatternAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;
}
