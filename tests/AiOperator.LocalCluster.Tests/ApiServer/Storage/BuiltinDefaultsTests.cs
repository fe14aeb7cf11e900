using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Storage;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Storage;

public sealed class BuiltinDefaultsTests
{
    [Fact]
    public void Deployments_get_the_apps_v1_defaults_down_to_their_containers()
    {
        var deployment = JsonNode.Parse("""
            {"spec":{"template":{"spec":{"containers":[
              {"name":"a","image":"repo/a:1.2","ports":[{"containerPort":80}],"resources":{"limits":{"cpu":"1"}},"readinessProbe":{"httpGet":{"port":8080}}},
              {"name":"b","image":"repo/b"},{"name":"c","image":"registry:5000/c:latest"}]}}}}
            """)!.AsObject();
        BuiltinDefaults.Apply("apps/deployments", deployment);
        var spec = deployment["spec"]!;
        Assert.Equal(1, (int)spec["replicas"]!);
        Assert.Equal(10, (int)spec["revisionHistoryLimit"]!);
        Assert.Equal(600, (int)spec["progressDeadlineSeconds"]!);
        Assert.Equal("25%", (string?)spec["strategy"]!["rollingUpdate"]!["maxSurge"]);
        var pod = spec["template"]!["spec"]!;
        Assert.Equal("Always", (string?)pod["restartPolicy"]);
        Assert.Equal(30, (int)pod["terminationGracePeriodSeconds"]!);
        var containers = pod["containers"]!.AsArray();
        Assert.Equal("IfNotPresent", (string?)containers[0]!["imagePullPolicy"]);
        Assert.Equal("Always", (string?)containers[1]!["imagePullPolicy"]);
        Assert.Equal("Always", (string?)containers[2]!["imagePullPolicy"]);
        Assert.Equal("TCP", (string?)containers[0]!["ports"]![0]!["protocol"]);
        Assert.Equal("1", (string?)containers[0]!["resources"]!["requests"]!["cpu"]);
        Assert.Equal(10, (int)containers[0]!["readinessProbe"]!["periodSeconds"]!);
        Assert.Equal("HTTP", (string?)containers[0]!["readinessProbe"]!["httpGet"]!["scheme"]);
    }

    [Fact]
    public void Probe_timings_of_zero_are_defaulted_like_unset_ones_and_a_grpc_service_defaults_to_empty()
    {
        var pod = JsonNode.Parse("""
            {"spec":{"containers":[{"name":"a","image":"x",
              "livenessProbe":{"grpc":{"port":8001},"timeoutSeconds":0,"periodSeconds":0,"successThreshold":0,"failureThreshold":0},
              "readinessProbe":{"grpc":{"port":8001,"service":"s"},"periodSeconds":2}}]}}
            """)!.AsObject();
        BuiltinDefaults.Apply("/pods", pod);
        var container = pod["spec"]!["containers"]![0]!;
        var liveness = container["livenessProbe"]!;
        Assert.Equal((1, 10, 1, 3), ((int)liveness["timeoutSeconds"]!, (int)liveness["periodSeconds"]!, (int)liveness["successThreshold"]!, (int)liveness["failureThreshold"]!));
        Assert.Equal("", (string?)liveness["grpc"]!["service"]);
        Assert.Equal(2, (int)container["readinessProbe"]!["periodSeconds"]!);
        Assert.Equal("s", (string?)container["readinessProbe"]!["grpc"]!["service"]);
    }

    [Fact]
    public void Explicit_values_win_and_recreate_strategy_gets_no_rolling_parameters()
    {
        var deployment = JsonNode.Parse("""{"spec":{"replicas":0,"strategy":{"type":"Recreate"},"template":{"spec":{"restartPolicy":"Never","containers":[]}}}}""")!.AsObject();
        BuiltinDefaults.Apply("apps/deployments", deployment);
        Assert.Equal(0, (int)deployment["spec"]!["replicas"]!);
        Assert.Null(deployment["spec"]!["strategy"]!["rollingUpdate"]);
        Assert.Equal("Never", (string?)deployment["spec"]!["template"]!["spec"]!["restartPolicy"]);
    }

    [Fact]
    public void Services_default_type_protocol_and_target_port()
    {
        var service = JsonNode.Parse("""{"spec":{"ports":[{"port":80},{"port":81,"targetPort":"http","protocol":"UDP"}]}}""")!.AsObject();
        BuiltinDefaults.Apply("/services", service);
        Assert.Equal("ClusterIP", (string?)service["spec"]!["type"]);
        Assert.Equal(80, (int)service["spec"]!["ports"]![0]!["targetPort"]!);
        Assert.Equal("TCP", (string?)service["spec"]!["ports"]![0]!["protocol"]);
        Assert.Equal("http", (string?)service["spec"]!["ports"]![1]!["targetPort"]);
        Assert.Equal("UDP", (string?)service["spec"]!["ports"]![1]!["protocol"]);
    }

    [Fact]
    public void Other_kinds_are_left_alone()
    {
        var configMap = JsonNode.Parse("""{"data":{"a":"b"}}""")!.AsObject();
        BuiltinDefaults.Apply("/configmaps", configMap);
        Assert.Equal("""{"data":{"a":"b"}}""", configMap.ToJsonString());
    }
}
