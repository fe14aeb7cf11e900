using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Http;
using AiOperator.LocalCluster.ApiServer.Patching;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Patching;

public sealed class ManagedFieldsTests
{
    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void Leaves_use_the_fieldsV1_vocabulary()
    {
        var paths = FieldPaths.Leaves(Obj("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"a":"1"},"finalizers":["f"]},"spec":{"containers":[{"name":"c","image":"i"}],"args":["x"]}}"""), null, builtin: true);
        var tree = System.Text.Encoding.UTF8.GetString(AiOperator.LocalCluster.ApiServer.Json.JsonTree.ToBytes(FieldPaths.ToFieldsV1(paths)));
        Assert.Equal("""{"f:metadata":{"f:finalizers":{"v:\"f\"":{}},"f:labels":{"f:a":{}}},"f:spec":{"f:args":{},"f:containers":{"k:{\"name\":\"c\"}":{".":{},"f:image":{},"f:name":{}}}}}""", tree);
        Assert.Equal(paths, FieldPaths.FromFieldsV1(JsonNode.Parse(tree)!.AsObject()));
    }

    [Fact]
    public void An_update_takes_ownership_of_the_fields_it_changed_only()
    {
        var before = Obj("""{"data":{"a":"1","b":"1"}}""");
        ManagedFields.RecordUpdate(null, before, "creator", "v1", "t0", null, null, true);
        var after = Obj("""{"data":{"a":"1","b":"2","c":"3"}}""");
        ManagedFields.RecordUpdate(before, after, "editor", "v1", "t1", null, null, true);

        var entries = ManagedFields.Read(after);
        var creator = entries.Single(e => e.Manager == "creator").Paths.Select(FieldPaths.Display).Order();
        var editor = entries.Single(e => e.Manager == "editor").Paths.Select(FieldPaths.Display).Order();
        Assert.Equal([".data.a"], creator);
        Assert.Equal([".data.b", ".data.c"], editor);
    }

    [Fact]
    public void An_unchanged_update_keeps_managed_fields_verbatim()
    {
        var before = Obj("""{"data":{"a":"1"}}""");
        ManagedFields.RecordUpdate(null, before, "creator", "v1", "t0", null, null, true);
        var after = Obj("""{"data":{"a":"1"}}""");
        ManagedFields.RecordUpdate(before, after, "other", "v1", "t9", null, null, true);
        Assert.True(JsonNode.DeepEquals(before["metadata"], after["metadata"]));
    }

    [Fact]
    public void An_entry_an_update_does_not_touch_is_written_back_as_stored()
    {
        // The creator's entry as a real API server might have stored it: keys in its own order.
        var before = Obj("""{"metadata":{"managedFields":[{"manager":"creator","operation":"Update","apiVersion":"v1","time":"t0","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:b":{},"f:a":{}}}}]},"data":{"a":"1","b":"1"},"status":{"s":"1"}}""");
        var after = Obj("""{"data":{"a":"1","b":"1"},"status":{"s":"2"}}""");
        ManagedFields.RecordUpdate(before, after, "kubelet", "v1", "t1", "status", null, true);

        var written = after["metadata"]!["managedFields"]!.AsArray();
        Assert.True(JsonNode.DeepEquals(before["metadata"]!["managedFields"]![0], written[0]));
        Assert.Equal("""{"f:data":{"f:b":{},"f:a":{}}}""", written[0]!["fieldsV1"]!.ToJsonString());
        Assert.Equal("kubelet", (string?)written[1]!["manager"]);

        // Once an update takes one of its fields, the entry is rebuilt from what it still owns.
        var next = Obj("""{"data":{"a":"1","b":"2"},"status":{"s":"2"}}""");
        ManagedFields.RecordUpdate(after, next, "editor", "v1", "t2", null, null, true);
        Assert.Equal([".data.a"], ManagedFields.Read(next).Single(e => e.Manager == "creator").Paths.Select(FieldPaths.Display));
    }

    [Fact]
    public void A_status_write_owns_what_it_changed_in_the_status_and_drops_owners_of_what_it_removed()
    {
        var before = Obj("""{"spec":{"a":"1"},"status":{"phase":"Pending","old":"x"}}""");
        ManagedFields.RecordUpdate(null, before, "creator", "v1", "t0", null, null, true);
        var first = Obj("""{"spec":{"a":"1"},"status":{"phase":"Pending","old":"x"}}""");
        first["metadata"] = before["metadata"]!.DeepClone();
        var after = Obj("""{"spec":{"a":"1"},"status":{"phase":"Running"}}""");
        after["metadata"] = before["metadata"]!.DeepClone();
        ManagedFields.RecordUpdate(first, after, "kubelet", "v1", "t1", "status", null, true);

        var entries = ManagedFields.Read(after);
        Assert.Equal([".spec.a"], entries.Single(e => e.Manager == "creator").Paths.Select(FieldPaths.Display));
        var kubelet = entries.Single(e => e.Manager == "kubelet");
        Assert.Equal("status", kubelet.Subresource);
        Assert.Equal([".status.phase"], kubelet.Paths.Select(FieldPaths.Display));
    }

    [Fact]
    public void Paths_under_a_field_are_the_field_and_its_descendants_only()
    {
        Assert.True(FieldPaths.IsUnder("f:status", "status"));
        Assert.True(FieldPaths.IsUnder("f:status\nf:phase", "status"));
        Assert.False(FieldPaths.IsUnder("f:statusx", "status"));
        Assert.False(FieldPaths.IsUnder("f:spec\nf:status", "status"));
        Assert.False(FieldPaths.IsUnder("f:stat", "status"));
    }

    [Fact]
    public void Apply_conflicts_name_the_field_and_owner_and_force_takes_it_over()
    {
        var live = ManagedFields.Apply(null, Obj("""{"spec":{"replicas":1,"paused":false}}"""), "alice", false, "apps/v1", "t0", null, true);
        var ex = Assert.Throws<ApiException>(() => ManagedFields.Apply(live, Obj("""{"spec":{"replicas":2,"paused":false}}"""), "bob", false, "apps/v1", "t1", null, true));
        Assert.Equal(409, ex.Code);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"alice\" using apps/v1: .spec.replicas", ex.Message);

        var forced = ManagedFields.Apply(live, Obj("""{"spec":{"replicas":2}}"""), "bob", true, "apps/v1", "t1", null, true);
        Assert.Equal(2, (int)forced["spec"]!["replicas"]!);
        var alice = ManagedFields.Read(forced).Single(e => e.Manager == "alice").Paths.Select(FieldPaths.Display);
        Assert.Equal([".spec.paused"], alice);
    }

    [Fact]
    public void Fields_an_applier_stops_applying_are_removed_unless_someone_else_owns_them()
    {
        var live = ManagedFields.Apply(null, Obj("""{"spec":{"a":1,"b":2,"items":[{"name":"x","v":1},{"name":"y","v":2}]}}"""), "alice", false, "v1", "t0", null, true);
        var next = ManagedFields.Apply(live, Obj("""{"spec":{"a":1,"items":[{"name":"x","v":1}]}}"""), "alice", false, "v1", "t1", null, true);
        Assert.Equal("""{"a":1,"items":[{"name":"x","v":1}]}""", next["spec"]!.ToJsonString());
    }
}
