using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using NLua;

namespace AiOperator.Api.Tests.GitOps;

/// <summary>
/// Runs an Argo CD health.lua the way Argo CD does: the object is the global <c>obj</c>, the script
/// returns a table with <c>status</c> and <c>message</c>.
/// </summary>
internal static class ArgoCdHealthCheck
{
    public static (string Status, string Message) Run(string script, JsonObject obj)
    {
        using var lua = new Lua();
        lua.DoString("obj = " + ToLua(obj));
        var results = lua.DoString(script);
        Assert.True(results is { Length: 1 } && results[0] is LuaTable, "health.lua must return one table");
        var table = (LuaTable)results[0];
        return ((string)table["status"], (string)table["message"]);
    }

    // A Lua table constructor for the JSON value; null members are left out, as Argo CD's conversion does.
    private static string ToLua(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return "nil";
            case JsonObject o:
                var fields = new StringBuilder("{");
                foreach (var (key, value) in o)
                {
                    if (value is not null)
                    {
                        fields.Append('[').Append(Quote(key)).Append("] = ").Append(ToLua(value)).Append(", ");
                    }
                }

                return fields.Append('}').ToString();
            case JsonArray a:
                return "{" + string.Join(", ", a.Select(ToLua)) + "}";
            default:
                var element = node.GetValue<object>();
                return element switch
                {
                    bool b => b ? "true" : "false",
                    string s => Quote(s),
                    long l => l.ToString(CultureInfo.InvariantCulture),
                    double d => d.ToString("R", CultureInfo.InvariantCulture),
                    _ => node.ToJsonString() is var json && json.StartsWith('"') ? Quote(node.GetValue<string>()) : json,
                };
        }
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
