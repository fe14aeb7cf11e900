using System.Text.Json.Serialization;

namespace AiOperator.LocalCluster.ApiServer.Auth;

/// <summary>What a service-account token says: whose it is and until when (unix seconds).</summary>
internal sealed record TokenClaims(
    [property: JsonPropertyName("ns")] string Namespace,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("uid")] string Uid,
    [property: JsonPropertyName("exp")] long Exp);
