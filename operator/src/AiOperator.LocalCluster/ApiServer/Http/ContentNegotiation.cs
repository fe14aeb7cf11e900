namespace AiOperator.LocalCluster.ApiServer.Http;

// Every answer is JSON (kubectl and client-go list application/json beside protobuf in Accept, so
// they get JSON); a client that accepts only media types the server cannot write gets 406, as
// kube-apiserver answers an Accept it cannot satisfy.
internal static class ContentNegotiation
{
    public static void EnsureJsonAcceptable(string accept)
    {
        if (accept.Length == 0)
        {
            return;
        }

        // Span-based: this runs on every resource request.
        var rest = accept.AsSpan();
        while (!rest.IsEmpty)
        {
            var comma = rest.IndexOf(',');
            var range = comma >= 0 ? rest[..comma] : rest;
            rest = comma >= 0 ? rest[(comma + 1)..] : [];
            var semicolon = range.IndexOf(';');
            var mediaType = (semicolon >= 0 ? range[..semicolon] : range).Trim();
            if (mediaType.IsEmpty
                || mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || mediaType.Equals("application/*", StringComparison.OrdinalIgnoreCase)
                || mediaType.Equals("*/*", StringComparison.OrdinalIgnoreCase)
                || mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
                || mediaType.Equals("*", StringComparison.Ordinal))
            {
                return;
            }
        }

        throw new ApiException(406, "NotAcceptable", $"only the following media types are accepted: application/json (Accept: {(accept.Length > 200 ? accept[..200] + "..." : accept)})");
    }
}
