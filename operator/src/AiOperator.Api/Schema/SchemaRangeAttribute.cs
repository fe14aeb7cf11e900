namespace AiOperator.Api.Schema;

/// <summary>Numeric bounds the API server enforces, inclusive unless said otherwise; NaN leaves a side open.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaRangeAttribute(double minimum = double.NaN, double maximum = double.NaN) : Attribute
{
    public double Minimum { get; } = minimum;
    public double Maximum { get; } = maximum;

    /// <summary>The value must be greater than <see cref="Minimum"/> (OpenAPI v3.0's boolean exclusiveMinimum).</summary>
    public bool ExclusiveMinimum { get; set; }
}
