using AiOperator.ControllerRuntime.Informers;

namespace AiOperator.ControllerRuntime.Tests.Informers;

public sealed class ObjectKeyTests
{
    [Theory]
    [InlineData("ns/name", "ns", "name")]
    [InlineData("cluster-scoped", "", "cluster-scoped")]
    public void Parses_and_prints_namespace_slash_name(string text, string ns, string name)
    {
        var key = ObjectKey.Parse(text);

        Assert.Equal(new ObjectKey(ns, name), key);
        Assert.Equal(text, key.ToString());
    }
}
