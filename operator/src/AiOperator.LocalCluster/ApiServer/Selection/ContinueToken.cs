using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using AiOperator.LocalCluster.ApiServer.Http;

namespace AiOperator.LocalCluster.ApiServer.Selection;

// Opaque paging token: the list's resourceVersion (so compaction can expire it) and the last key returned.
internal sealed record ContinueToken(long ResourceVersion, string LastKey)
{
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new[] { ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), LastKey })));

    public static ContinueToken Decode(string text)
    {
        try
        {
            var parts = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(text));
            if (parts is { Length: 2 } && long.TryParse(parts[0], out var rv))
            {
                return new ContinueToken(rv, parts[1]);
            }
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
        }

        throw ApiErrors.BadRequest("continue key is not valid: illegal base64 data or content");
    }
}
