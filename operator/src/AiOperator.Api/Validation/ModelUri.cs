namespace AiOperator.Api.Validation;

/// <summary>A parsed spec.model.uri: pvc://CLAIM/PATH, http(s)://..., or file:///PATH.</summary>
public sealed record ModelUri(string Scheme, string? Claim, string Path, string Original)
{
    public const string Pvc = "pvc";
    public const string File = "file";
    public const string Http = "http";
    public const string Https = "https";

    public static ModelUri? TryParse(string uri, out string error)
    {
        error = "";
        if (uri.StartsWith("pvc://", StringComparison.Ordinal))
        {
            var rest = uri["pvc://".Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || slash == rest.Length - 1)
            {
                error = $"\"{uri}\" must be pvc://CLAIM/PATH";
                return null;
            }

            var path = rest[(slash + 1)..];
            if (HasParentSegment(path))
            {
                error = "the path inside the claim must not contain \"..\" segments";
                return null;
            }

            return new ModelUri(Pvc, rest[..slash], path, uri);
        }

        if (uri.StartsWith("file:///", StringComparison.Ordinal))
        {
            return new ModelUri(File, null, uri["file://".Length..], uri);
        }

        if (Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Scheme is Http or Https && !string.IsNullOrEmpty(parsed.Host))
        {
            return new ModelUri(parsed.Scheme, null, uri, uri);
        }

        error = $"\"{uri}\" has an unsupported scheme; use pvc://CLAIM/PATH, http(s)://... or file:///PATH";
        return null;
    }

    public static bool HasParentSegment(string path) =>
        path.Split('/').Any(segment => segment == "..");
}
