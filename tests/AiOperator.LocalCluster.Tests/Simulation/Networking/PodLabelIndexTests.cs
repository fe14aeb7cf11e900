using AiOperator.LocalCluster.Simulation.Networking;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Networking;

public sealed class PodLabelIndexTests
{
    private static V1Pod Pod(string name, string ns, params (string Key, string Value)[] labels) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels.ToDictionary(l => l.Key, l => l.Value) },
    };

    [Fact]
    public void Candidates_carry_the_selectors_rarest_pair_in_the_services_namespace()
    {
        var pods = new[]
        {
            Pod("a", "ns", ("tier", "web"), ("app", "shop")),
            Pod("b", "ns", ("tier", "web"), ("app", "blog")),
            Pod("c", "ns", ("tier", "web"), ("app", "shop")),
            Pod("d", "other", ("tier", "web"), ("app", "shop")),
        };
        var index = new PodLabelIndex(pods);

        var candidates = index.Candidates("ns", new Dictionary<string, string> { ["tier"] = "web", ["app"] = "shop" });

        Assert.Equal(["a", "c"], candidates.Select(p => p.Metadata.Name));
    }

    [Fact]
    public void No_selector_or_an_unknown_pair_has_no_candidates()
    {
        var index = new PodLabelIndex([Pod("a", "ns", ("app", "shop"))]);

        Assert.Empty(index.Candidates("ns", new Dictionary<string, string>()));
        Assert.Empty(index.Candidates("ns", new Dictionary<string, string> { ["app"] = "shop", ["tier"] = "db" }));
    }
}
