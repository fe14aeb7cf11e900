using System.Text;

namespace AiOperator.LocalCluster.ApiServer.Http;

/// <summary>
/// A warning as the text of a <c>Warning: 299 - "..."</c> header: an HTTP quoted-string (RFC 9110), which is
/// what client-go unquotes and kubectl prints. A JSON string is not one: its <c>\u0022</c> for a quote came
/// out of kubectl as "u0022".
/// </summary>
internal static class WarningText
{
    public static string Quote(string warning)
    {
        var quoted = new StringBuilder(warning.Length + 2).Append('"');
        foreach (var c in warning)
        {
            if (c is '"' or '\\')
            {
                quoted.Append('\\').Append(c);
            }
            else
            {
                // Header values are ASCII without control characters; anything else would be refused by Kestrel.
                quoted.Append(c is >= ' ' and <= '~' ? c : '?');
            }
        }

        return quoted.Append('"').ToString();
    }
}
