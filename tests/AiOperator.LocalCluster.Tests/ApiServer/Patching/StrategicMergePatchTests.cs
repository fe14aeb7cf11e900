using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Patching;
using AiOperator.LocalCluster.ApiServer.Schema;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Patching;

public sealed class StrategicMergePatchTests
{
    private static JsonObject Apply(string original, string patch, StructuralSchema? schema = null, bool builtin = true) =>
        StrategicMergePatch.Apply(JsonNode.Parse(original)!.AsObject(), JsonNode.Parse(patch)!.AsObject(), schema, builtin);

    // Key order is not part of the contract (Go maps have none); lists keep theirs.
    private static void Same(string expected, JsonObject actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\nactual   {actual.ToJsonString()}");

    [Fact]
    public void Containers_merge_by_name_and_nested_env_by_name()
    {
        var original = """{"spec":{"containers":[{"name":"a","image":"a:1","env":[{"name":"X","value":"1"}]},{"name":"b","image":"b:1"}]}}""";
        var patch = """{"spec":{"containers":[{"name":"a","env":[{"name":"Y","value":"2"}]},{"name":"c","image":"c:1"}]}}""";
        Same("""{"spec":{"containers":[{"name":"a","image":"a:1","env":[{"name":"X","value":"1"},{"name":"Y","value":"2"}]},{"name":"b","image":"b:1"},{"name":"c","image":"c:1"}]}}""", Apply(original, patch));
    }

    [Fact]
    public void Directives_delete_replace_and_delete_from_primitive_list_and_atomic_tolerations()
    {
        var original = """{"metadata":{"finalizers":["a","b"]},"spec":{"volumes":[{"name":"v1"},{"name":"v2"}],"tolerations":[{"key":"k1"}],"selector":{"x":"1","y":"2"}}}""";
        var patch = """{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]},"spec":{"volumes":[{"name":"v1","$patch":"delete"}],"tolerations":[{"key":"k2"}],"selector":{"$patch":"replace","z":"3"}}}""";
        Same("""{"metadata":{"finalizers":["b"]},"spec":{"volumes":[{"name":"v2"}],"tolerations":[{"key":"k2"}],"selector":{"z":"3"}}}""", Apply(original, patch));
    }

    [Fact]
    public void Ports_merge_by_container_port_conditions_by_type_owner_references_by_uid()
    {
        var original = """{"ports":[{"containerPort":80,"name":"http"}],"status":{"conditions":[{"type":"Ready","status":"False"}]},"metadata":{"ownerReferences":[{"uid":"u1","name":"a"}]}}""";
        var patch = """{"ports":[{"containerPort":80,"protocol":"TCP"}],"status":{"conditions":[{"type":"Ready","status":"True"}]},"metadata":{"ownerReferences":[{"uid":"u2","name":"b"}]}}""";
        Same("""{"ports":[{"containerPort":80,"name":"http","protocol":"TCP"}],"status":{"conditions":[{"type":"Ready","status":"True"}]},"metadata":{"ownerReferences":[{"uid":"u1","name":"a"},{"uid":"u2","name":"b"}]}}""", Apply(original, patch));
    }

    [Fact]
    public void Custom_resources_use_list_map_keys_from_the_schema_and_replace_other_lists()
    {
        var schema = StructuralSchema.Compile(JsonNode.Parse("""
            {"type":"object","properties":{"spec":{"type":"object","properties":{
              "ports":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],"items":{"type":"object"}},
              "args":{"type":"array","items":{"type":"string"}},
              "containers":{"type":"array","items":{"type":"object"}}}}}}
            """)!.AsObject());
        var original = """{"spec":{"ports":[{"name":"a","port":1}],"args":["x"],"containers":[{"name":"c","image":"1"}]}}""";
        var patch = """{"spec":{"ports":[{"name":"b","port":2}],"args":["y"],"containers":[{"name":"d"}]}}""";
        Same("""{"spec":{"ports":[{"name":"a","port":1},{"name":"b","port":2}],"args":["y"],"containers":[{"name":"d"}]}}""", Apply(original, patch, schema, builtin: false));
    }

    [Fact]
    public void Null_removes_a_field_and_scalars_replace() =>
        Same("""{"b":2,"c":"x"}""", Apply("""{"a":1,"b":1}""", """{"a":null,"b":2,"c":"x"}"""));
}
