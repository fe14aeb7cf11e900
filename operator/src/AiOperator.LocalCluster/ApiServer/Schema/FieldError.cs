namespace AiOperator.LocalCluster.ApiServer.Schema;

// One validation failure, rendered like k8s.io/apimachinery field.Error ("spec.x: Required value").
internal sealed record FieldError(string Field, string CauseReason, string Detail)
{
    public override string ToString() => $"{Field}: {Detail}";

    public static FieldError Required(string field) => new(field, "FieldValueRequired", "Required value");

    public static FieldError Required(string field, string why) => new(field, "FieldValueRequired", $"Required value: {why}");

    public static FieldError Duplicate(string field, string renderedValue) => new(field, "FieldValueDuplicate", $"Duplicate value: {renderedValue}");

    public static FieldError NotFound(string field, string renderedValue) => new(field, "FieldValueNotFound", $"Not found: {renderedValue}");

    public static FieldError Invalid(string field, string renderedValue, string why) =>
        new(field, "FieldValueInvalid", $"Invalid value: {renderedValue}: {why}");

    public static FieldError TypeInvalid(string field, string renderedValue, string why) =>
        new(field, "FieldValueTypeInvalid", $"Invalid value: {renderedValue}: {why}");

    public static FieldError NotSupported(string field, string renderedValue, IEnumerable<string> allowed) =>
        new(field, "FieldValueNotSupported", $"Unsupported value: {renderedValue}: supported values: {string.Join(", ", allowed)}");

    public static FieldError Forbidden(string field, string why) => new(field, "FieldValueForbidden", $"Forbidden: {why}");

    public static FieldError TooMany(string field, long actual, long max) =>
        new(field, "FieldValueTooMany", $"Too many: {actual}: must have at most {max} items");

    public static FieldError TooLong(string field, long max) =>
        new(field, "FieldValueTooLong", $"Too long: may not be more than {max} bytes");
}
