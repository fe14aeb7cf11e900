namespace AiOperator.Api.Schema;

/// <summary>Length bounds for strings (characters) or lists (items); -1 leaves a side open.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaLengthAttribute(int minimum = -1, int maximum = -1) : Attribute
{
    public int Minimum { get; } = minimum;
    public int Maximum { get; } = maximum;
}
