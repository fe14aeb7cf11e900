using AiOperator.ControllerRuntime.Client;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Support;

// The Widget CRD, registered at run time on the local API server.
internal static class WidgetCrd
{
    public const string Group = "test.aioperator.dev";
    public const string Name = $"widgets.{Group}";

    public static readonly ResourceKind Kind = new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", Namespaced: false);

    public static V1CustomResourceDefinition Definition() => new()
    {
        ApiVersion = "apiextensions.k8s.io/v1",
        Kind = "CustomResourceDefinition",
        Metadata = new V1ObjectMeta { Name = Name },
        Spec = new V1CustomResourceDefinitionSpec
        {
            Group = Group,
            Scope = "Namespaced",
            Names = new V1CustomResourceDefinitionNames { Plural = "widgets", Singular = "widget", Kind = "Widget", ListKind = "WidgetList" },
            Versions =
            [
                new V1CustomResourceDefinitionVersion
                {
                    Name = "v1",
                    Served = true,
                    Storage = true,
                    Subresources = new V1CustomResourceSubresources { Status = new object() },
                    Schema = new V1CustomResourceValidation
                    {
                        OpenAPIV3Schema = new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true },
                    },
                },
            ],
        },
    };
}
