using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer;
using k8s;
using k8s.Models;

namespace AiOperator.LocalCluster.Tests.ApiServer;

// A CRD of the tests' own (group test.aioperator.dev) exercising every schema feature the server supports.
public static class TestCrds
{
    public const string Group = "test.aioperator.dev";
    public const string Version = "v1";
    public const string Plural = "widgets";

    public static readonly string Yaml = $$$"""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.{{{Group}}}
        spec:
          group: {{{Group}}}
          scope: Namespaced
          names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wdg], categories: [ai]}
          versions:
          - name: v1
            served: true
            storage: true
            subresources:
              status: {}
              scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas, labelSelectorPath: .status.selector}
            additionalPrinterColumns:
            - {name: Size, type: string, jsonPath: .spec.size}
            - {name: Replicas, type: integer, jsonPath: .spec.replicas}
            - {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
            - {name: First-Port, type: integer, jsonPath: '.spec.ports[0].port', priority: 1}
            - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    required: [size]
                    properties:
                      size: {type: string, enum: [small, large]}
                      replicas: {type: integer, minimum: 0, maximum: 100, default: 1}
                      name: {type: string, minLength: 1, maxLength: 10, pattern: '^[a-z]+$'}
                      weight: {type: number, exclusiveMinimum: true, minimum: 0}
                      port: {x-kubernetes-int-or-string: true}
                      note: {type: string, nullable: true}
                      tags: {type: array, minItems: 1, maxItems: 3, items: {type: string}}
                      labels: {type: object, additionalProperties: {type: string, maxLength: 5}}
                      ports:
                        type: array
                        x-kubernetes-list-type: map
                        x-kubernetes-list-map-keys: [name]
                        items:
                          type: object
                          required: [name]
                          properties:
                            name: {type: string}
                            port: {type: integer}
                      extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
                      nested:
                        type: object
                        default: {}
                        properties:
                          mode: {type: string, default: auto}
                  status:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
        """;

    public static async Task RegisterAsync(Kubernetes client)
    {
        var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(Yaml);
        try
        {
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // Registered by an earlier test of the same class.
        }
    }

    public static JsonObject Widget(string name, string ns, JsonObject? spec = null) => new()
    {
        ["apiVersion"] = $"{Group}/{Version}",
        ["kind"] = "Widget",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = spec ?? new JsonObject { ["size"] = "small" },
    };
}
