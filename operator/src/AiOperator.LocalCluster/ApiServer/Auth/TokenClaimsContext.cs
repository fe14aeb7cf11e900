using System.Text.Json.Serialization;

namespace AiOperator.LocalCluster.ApiServer.Auth;

[JsonSerializable(typeof(TokenClaims))]
internal sealed partial class TokenClaimsContext : JsonSerializerContext;
