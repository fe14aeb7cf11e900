using System.Text.Json.Nodes;
using AiOperator.ControllerRuntime.Reconciliation;

namespace AiOperator.ControllerRuntime.Tests.Reconciliation;

public sealed class JsonMergeDiffTests
{
    [Fact]
    public void Full_diff_sets_changed_fields_and_nulls_removed_ones()
    {
        var original = Parse("""{"phase":"Ready","replicas":2,"old":"x","nested":{"a":1,"b":2}}""");
        var desired = Parse("""{"phase":"Ready","replicas":3,"nested":{"a":1}}""");

        var patch = JsonMergeDiff.Full(original, desired);

        Assert.Equal("""{"replicas":3,"nested":{"b":null},"old":null}""", patch!.ToJsonString());
    }

    [Fact]
    public void Full_diff_of_equal_documents_is_null()
    {
        Assert.Null(JsonMergeDiff.Full(Parse("""{"a":[1,2],"b":{"c":"d"},"n":2.0}"""), Parse("""{"a":[1,2],"b":{"c":"d"},"n":2}""")));
    }

    [Fact]
    public void Subset_ignores_fields_the_desired_document_does_not_name()
    {
        var existing = Parse("""{"spec":{"replicas":2,"progressDeadlineSeconds":600,"template":{"spec":{"containers":[{"name":"m","image":"a:1","terminationMessagePath":"/dev/termination-log"}]}}}}""");
        var desired = Parse("""{"spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"m","image":"a:1"}]}}}}""");

        Assert.Null(JsonMergeDiff.Subset(existing, desired));
    }

    [Fact]
    public void Subset_replaces_a_differing_array_whole()
    {
        var existing = Parse("""{"spec":{"replicas":2,"containers":[{"name":"m","image":"a:1","extra":true}]}}""");
        var desired = Parse("""{"spec":{"replicas":2,"containers":[{"name":"m","image":"a:2"}]}}""");

        var patch = JsonMergeDiff.Subset(existing, desired);

        Assert.Equal("""{"spec":{"containers":[{"name":"m","image":"a:2"}]}}""", patch!.ToJsonString());
    }

    [Fact]
    public void Subset_adds_missing_map_entries_without_touching_others()
    {
        var existing = Parse("""{"metadata":{"labels":{"a":"1","other":"kept"}}}""");
        var desired = Parse("""{"metadata":{"labels":{"a":"1","b":"2"}}}""");

        Assert.Equal("""{"metadata":{"labels":{"b":"2"}}}""", JsonMergeDiff.Subset(existing, desired)!.ToJsonString());
    }

    [Fact]
    public void Array_length_change_is_drift()
    {
        Assert.False(JsonMergeDiff.Contains(Parse("""{"a":[1,2]}"""), Parse("""{"a":[1]}""")));
        Assert.True(JsonMergeDiff.Contains(Parse("""{"a":[1],"b":1}"""), Parse("""{"a":[1]}""")));
    }

    [Fact]
    public void Zero_values_match_fields_the_server_omits()
    {
        var existing = Parse("""{"spec":{"replicas":2}}""");
        var desired = Parse("""{"spec":{"replicas":2,"tolerations":[],"nodeSelector":{},"priorityClassName":"","hostNetwork":false,"x":0,"resources":{"limits":{}}}}""");

        Assert.Null(JsonMergeDiff.Subset(existing, desired));
    }

    [Fact]
    public void A_zero_value_replacing_a_set_one_is_drift()
    {
        var patch = JsonMergeDiff.Subset(Parse("""{"spec":{"replicas":3,"tolerations":[{"key":"gpu"}]}}"""), Parse("""{"spec":{"replicas":0,"tolerations":[]}}"""));

        Assert.Equal("""{"spec":{"replicas":0,"tolerations":[]}}""", patch!.ToJsonString());
    }

    private static JsonNode Parse(string json) => JsonNode.Parse(json)!;
}
