using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Storage;

// Probes kube-apiserver refuses, with the error line it prints; and the probes it accepts after defaulting.
public sealed class ProbeValidationTests
{
    private static List<string> Errors(string container) =>
        ValidationErrors.Of("/pods", """{"spec":{"containers":[{"name":"a","image":"x",""" + container + "}]}}");

    [Theory]
    [InlineData(""" "readinessProbe":{"httpGet":{"port":8080}} """)]
    [InlineData(""" "readinessProbe":{"httpGet":{"port":"http","path":"/ready","scheme":"HTTPS"},"successThreshold":3} """)]
    [InlineData(""" "livenessProbe":{"tcpSocket":{"port":8080},"terminationGracePeriodSeconds":5} """)]
    [InlineData(""" "startupProbe":{"grpc":{"port":8001,"service":"inference.GRPCInferenceService"}} """)]
    [InlineData(""" "livenessProbe":{"exec":{"command":["true"]},"periodSeconds":0,"timeoutSeconds":0} """)]
    public void Valid_probes_pass(string container)
    {
        Assert.Empty(Errors(container));
    }

    [Theory]
    [InlineData(""" "readinessProbe":{"periodSeconds":5} """, "spec.containers[0].readinessProbe: Required value: must specify a handler type")]
    [InlineData(""" "livenessProbe":{"httpGet":{"port":80},"tcpSocket":{"port":80}} """, "spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type")]
    [InlineData(""" "livenessProbe":{"exec":{"command":["true"]},"grpc":{"port":80}} """, "spec.containers[0].livenessProbe.grpc: Forbidden: may not specify more than 1 handler type")]
    [InlineData(""" "livenessProbe":{"exec":{}} """, "spec.containers[0].livenessProbe.exec.command: Required value")]
    [InlineData(""" "readinessProbe":{"httpGet":{"port":0}} """, "spec.containers[0].readinessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive")]
    [InlineData(""" "readinessProbe":{"httpGet":{"port":"Web_Port"}} """, "spec.containers[0].readinessProbe.httpGet.port: Invalid value: \"Web_Port\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")]
    [InlineData(""" "readinessProbe":{"httpGet":{"port":80,"scheme":"FTP"}} """, "spec.containers[0].readinessProbe.httpGet.scheme: Unsupported value: \"FTP\": supported values: \"HTTP\", \"HTTPS\"")]
    [InlineData(""" "readinessProbe":{"tcpSocket":{"port":70000}} """, "spec.containers[0].readinessProbe.tcpSocket.port: Invalid value: 70000: must be between 1 and 65535, inclusive")]
    [InlineData(""" "readinessProbe":{"grpc":{"port":0}} """, "spec.containers[0].readinessProbe.grpc.port: Invalid value: 0: must be between 1 and 65535, inclusive")]
    [InlineData(""" "readinessProbe":{"grpc":{"port":80},"initialDelaySeconds":-1} """, "spec.containers[0].readinessProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0")]
    [InlineData(""" "livenessProbe":{"grpc":{"port":80},"successThreshold":2} """, "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1")]
    [InlineData(""" "startupProbe":{"grpc":{"port":80},"successThreshold":3} """, "spec.containers[0].startupProbe.successThreshold: Invalid value: 3: must be 1")]
    [InlineData(""" "readinessProbe":{"grpc":{"port":80},"terminationGracePeriodSeconds":5} """, "spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes")]
    [InlineData(""" "livenessProbe":{"grpc":{"port":80},"terminationGracePeriodSeconds":0} """, "spec.containers[0].livenessProbe.terminationGracePeriodSeconds: Invalid value: 0: must be greater than 0")]
    public void Refused_probes_name_the_field_as_kube_does(string container, string expected)
    {
        Assert.Contains(expected, Errors(container));
    }

    [Fact]
    public void Only_a_sidecar_init_container_may_have_probes()
    {
        static List<string> Init(string init) =>
            ValidationErrors.Of("/pods", """{"spec":{"containers":[{"name":"a","image":"x"}],"initContainers":[{"name":"i","image":"x",""" + init + "}]}}");

        Assert.Contains("spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always",
            Init(""" "readinessProbe":{"tcpSocket":{"port":80}} """));
        Assert.Contains("spec.initContainers[0].lifecycle: Forbidden: may not be set for init containers without restartPolicy=Always",
            Init(""" "lifecycle":{"preStop":{"exec":{"command":["true"]}}} """));
        Assert.Empty(Init(""" "restartPolicy":"Always","startupProbe":{"tcpSocket":{"port":80}} """));
        Assert.Contains("spec.initContainers[0].startupProbe: Required value: must specify a handler type",
            Init(""" "restartPolicy":"Always","startupProbe":{"periodSeconds":1} """));
    }
}
