namespace AiOperator.Api.Schema;

/// <summary>Inclusive numeric bounds the API server enforces; NaN leaves a side open.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaRangeAttribute(double minimum = double.NaN, double maximum = double.NaN) : Attribute
{
    public double Minimum { get; } = minimum;
    public double Maximum { get; } = maximum;
}
