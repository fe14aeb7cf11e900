using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Schema;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Schema;

public sealed class SchemaProcessorTests
{
    private static readonly StructuralSchema Root = StructuralSchema.Compile(JsonNode.Parse("""
        {"type":"object","properties":{"spec":{"type":"object","required":["size"],"properties":{
          "size":{"type":"string","enum":["small","large"]},
          "replicas":{"type":"integer","minimum":0,"maximum":10,"default":1},
          "ratio":{"type":"number","exclusiveMinimum":true,"minimum":0,"exclusiveMaximum":true,"maximum":1},
          "name":{"type":"string","minLength":2,"maxLength":4,"pattern":"^[a-z]+$"},
          "steps":{"type":"array","minItems":1,"maxItems":2,"items":{"type":"object","properties":{"weight":{"type":"integer","default":10}}}},
          "port":{"x-kubernetes-int-or-string":true},
          "note":{"type":"string","nullable":true},
          "free":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"properties":{"known":{"type":"integer"}}},
          "map":{"type":"object","additionalProperties":{"type":"integer"}},
          "requests":{"type":"object","additionalProperties":{"anyOf":[{"type":"integer"},{"type":"string"}],"x-kubernetes-int-or-string":true,
            "pattern":"^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$"}},
          "any":{"type":"object","additionalProperties":true},
          "nested":{"type":"object","default":{},"properties":{"mode":{"type":"string","default":"auto"}}}}}}}
        """)!.AsObject());

    private static (IReadOnlyList<FieldError> Errors, JsonObject Obj, List<string> Pruned) Run(string spec)
    {
        var obj = JsonNode.Parse($$"""{"apiVersion":"x/v1","kind":"X","metadata":{"name":"n"},"spec":{{spec}}}""")!.AsObject();
        var pruned = new List<string>();
        var errors = SchemaProcessor.Process(obj, Root, pruned);
        return (errors, obj, pruned);
    }

    private static string Messages(IReadOnlyList<FieldError> errors) => string.Join(" | ", errors.Select(e => e.ToString()));

    [Fact]
    public void A_valid_object_gets_its_defaults_recursively()
    {
        var (errors, obj, _) = Run("""{"size":"small","steps":[{}]}""");
        Assert.Empty(errors);
        Assert.Equal(1, (int)obj["spec"]!["replicas"]!);
        Assert.Equal(10, (int)obj["spec"]!["steps"]![0]!["weight"]!);
        Assert.Equal("auto", (string?)obj["spec"]!["nested"]!["mode"]);
    }

    [Theory]
    [InlineData("""{"replicas":1}""", "spec.size: Required value")]
    [InlineData("""{"size":"tiny"}""", "spec.size: Unsupported value: \"tiny\": supported values: \"small\", \"large\"")]
    [InlineData("""{"size":"small","replicas":-1}""", "spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0")]
    [InlineData("""{"size":"small","replicas":11}""", "spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10")]
    [InlineData("""{"size":"small","replicas":"3"}""", "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"")]
    [InlineData("""{"size":"small","replicas":1.5}""", "spec.replicas: Invalid value: \"number\": spec.replicas in body must be of type integer: \"number\"")]
    [InlineData("""{"size":"small","ratio":0}""", "spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0")]
    [InlineData("""{"size":"small","ratio":1}""", "spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1")]
    [InlineData("""{"size":"small","name":"a"}""", "spec.name: Invalid value: \"a\": spec.name in body should be at least 2 chars long")]
    [InlineData("""{"size":"small","name":"abcde"}""", "spec.name: Too long: may not be more than 4 bytes")]
    [InlineData("""{"size":"small","name":"AB"}""", "spec.name: Invalid value: \"AB\": spec.name in body should match '^[a-z]+$'")]
    [InlineData("""{"size":"small","steps":[]}""", "spec.steps: Invalid value: 0: spec.steps in body should have at least 1 items")]
    [InlineData("""{"size":"small","steps":[{},{},{}]}""", "spec.steps: Too many: 3: must have at most 2 items")]
    [InlineData("""{"size":"small","steps":[{"weight":"x"}]}""", "spec.steps[0].weight: Invalid value: \"string\": spec.steps[0].weight in body must be of type integer: \"string\"")]
    [InlineData("""{"size":"small","port":true}""", "spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer or string: \"boolean\"")]
    [InlineData("""{"size":"small","requests":{"cpu":"abc"}}""", "spec.requests.cpu: Invalid value: \"abc\": spec.requests.cpu in body should match '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$'")]
    [InlineData("""{"size":"small","map":{"a":"x"}}""", "spec.map.a: Invalid value: \"string\": spec.map.a in body must be of type integer: \"string\"")]
    [InlineData("""{"size":"small","free":{"known":"x"}}""", "spec.free.known: Invalid value: \"string\": spec.free.known in body must be of type integer: \"string\"")]
    public void Violations_are_reported_with_the_field_path(string spec, string expected)
    {
        var (errors, _, _) = Run(spec);
        Assert.Equal(expected, Messages(errors));
    }

    [Fact]
    public void An_int_or_string_quantity_is_held_to_its_pattern_only_in_its_string_form()
    {
        var (errors, _, _) = Run("""{"size":"small","requests":{"cpu":"500m","memory":"8Gi","gpu":2,"storage":"1e3"}}""");
        Assert.Empty(errors);
    }

    [Fact]
    public void Unknown_fields_are_pruned_and_reported_except_where_preserved()
    {
        var (errors, obj, pruned) = Run("""{"size":"small","bogus":1,"steps":[{"weight":1,"extra":2}],"free":{"anything":{"x":1}},"any":{"k":{"v":1}},"map":{"a":1}}""");
        Assert.Empty(errors);
        Assert.Equal(["spec.bogus", "spec.steps[0].extra"], pruned);
        Assert.Null(obj["spec"]!["bogus"]);
        Assert.Equal(1, (int)obj["spec"]!["free"]!["anything"]!["x"]!);
        Assert.Equal(1, (int)obj["spec"]!["any"]!["k"]!["v"]!);
        Assert.Equal("n", (string?)obj["metadata"]!["name"]);
    }

    [Fact]
    public void Null_is_kept_where_nullable_and_dropped_elsewhere()
    {
        var (errors, obj, _) = Run("""{"size":"small","note":null,"name":null,"port":3}""");
        Assert.Empty(errors);
        var spec = obj["spec"]!.AsObject();
        Assert.True(spec.ContainsKey("note"));
        Assert.False(spec.ContainsKey("name"));
        Assert.Equal(3, (int)spec["port"]!);
    }

    [Fact]
    public void A_required_field_set_to_null_is_missing()
    {
        var (errors, _, _) = Run("""{"size":null}""");
        Assert.Equal("spec.size: Required value", Messages(errors));
    }

    [Fact]
    public void A_bad_pattern_in_a_schema_fails_compilation() =>
        Assert.Throws<SchemaCompileException>(() => StructuralSchema.Compile(JsonNode.Parse("""{"type":"string","pattern":"(unclosed"}""")!.AsObject()));
}
