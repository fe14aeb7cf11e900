namespace AiOperator.LocalCluster.Simulation.Kubelet;

internal static class ImageReference
{
    // "ghcr.io/aioperator/model-server:1.2@sha256:…" -> "ghcr.io/aioperator/model-server";
    // a colon before the last slash is a registry port, not a tag.
    public static string Repository(string image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var withoutDigest = image.Split('@')[0];
        var lastSlash = withoutDigest.LastIndexOf('/');
        var colon = withoutDigest.LastIndexOf(':');
        return colon > lastSlash ? withoutDigest[..colon] : withoutDigest;
    }
}
