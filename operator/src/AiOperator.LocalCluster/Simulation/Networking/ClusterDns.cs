using System.Text.RegularExpressions;

namespace AiOperator.LocalCluster.Simulation.Networking;

// There is no DNS server for process pods, so cluster names in their env values are rewritten to
// loopback addresses before the process starts. A name is only rewritten in host position (after
// "scheme://", before ":port", or as the whole value when it is a qualified name) so that a plain
// word such as MODEL_NAME=resnet is never mistaken for a Service called "resnet".
internal static partial class ClusterDns
{
    public const string Domain = "cluster.local";

    // records: fully qualified name (without trailing dot) -> address, e.g. "web.ns.svc.cluster.local".
    public static string Rewrite(string value, string podNamespace, IReadOnlyDictionary<string, string> records)
    {
        ArgumentNullException.ThrowIfNull(value);
        return HostPattern().Replace(value, match =>
        {
            var name = match.Groups["name"].Value;
            var afterScheme = match.Groups["scheme"].Success;
            var beforePort = match.Groups["port"].Success;
            var whole = match.Index == 0 && match.Length == value.Length;
            var qualified = name.Contains('.', StringComparison.Ordinal);
            if (!afterScheme && !beforePort && !(whole && qualified))
            {
                return match.Value;
            }

            var address = Resolve(name, podNamespace, records);
            return address is null ? match.Value : match.Groups["scheme"].Value + address + match.Groups["port"].Value;
        });
    }

    // The search path a pod's resolv.conf would have: <ns>.svc.cluster.local, svc.cluster.local, cluster.local.
    public static string? Resolve(string name, string podNamespace, IReadOnlyDictionary<string, string> records)
    {
        var n = name.TrimEnd('.').ToLowerInvariant();
        string[] candidates = n.EndsWith("." + Domain, StringComparison.Ordinal)
            ? [n]
            : [$"{n}.{podNamespace}.svc.{Domain}", $"{n}.svc.{Domain}", $"{n}.{Domain}", n];
        foreach (var candidate in candidates)
        {
            if (records.TryGetValue(candidate, out var address))
            {
                return address;
            }
        }

        return null;
    }

    public static string ServiceName(string service, string ns) => $"{service}.{ns}.svc.{Domain}";

    public static string PodName(string hostname, string headlessService, string ns) => $"{hostname}.{headlessService}.{ns}.svc.{Domain}";

    [GeneratedRegex(@"(?<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)?(?<![A-Za-z0-9.-])(?<name>[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?<port>:[0-9]{1,5})?(?![A-Za-z0-9-])", RegexOptions.CultureInvariant)]
    private static partial Regex HostPattern();
}
