using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace AiOperator.LocalCluster.ApiServer.Http;

// Query parameters decoded as kube-apiserver's parameter codec does (apimachinery's
// Convert_Slice_string_To_bool / _To_int64): the first value counts; a boolean is false only when
// absent, "0" or "false" in any case, and true for any other value, even an empty one (so the Python
// client's watch=True is a watch); an integer is strconv.ParseInt(s, 10, 64), so a present but empty
// or malformed value is a 400 naming the parameter.
internal static class QueryParameters
{
    public static bool Bool(IQueryCollection query, string name) => BoolOrNull(query, name) ?? false;

    public static bool? BoolOrNull(IQueryCollection query, string name)
    {
        if (!query.TryGetValue(name, out var values) || values.Count == 0)
        {
            return null;
        }

        var first = values[0] ?? "";
        return !(first == "0" || first.Equals("false", StringComparison.OrdinalIgnoreCase));
    }

    public static long? Long(IQueryCollection query, string name)
    {
        if (!query.TryGetValue(name, out var values) || values.Count == 0)
        {
            return null;
        }

        var text = values[0] ?? "";
        return ParseInt64(text, out var value)
            ? value
            : throw ApiErrors.BadRequest($"{name}: Invalid value: \"{Truncate(text)}\": strconv.ParseInt: parsing {Quote(text)}: {(IsDecimal(text) ? "value out of range" : "invalid syntax")}");
    }

    public static string String(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] ?? "" : "";

    // Go's ParseInt(s, 10, 64): an optional + or -, then at least one ASCII digit, nothing else.
    public static bool ParseInt64(string text, out long value)
    {
        value = 0;
        return IsDecimal(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    private static bool IsDecimal(string text)
    {
        var digits = text.Length > 0 && text[0] is '+' or '-' ? text.AsSpan(1) : text.AsSpan();
        if (digits.IsEmpty)
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    private static string Truncate(string text) => text.Length > 64 ? text[..64] + "..." : text;

    private static string Quote(string text) => "\"" + Truncate(text).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
