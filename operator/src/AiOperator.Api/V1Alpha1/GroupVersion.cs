namespace AiOperator.Api.V1Alpha1;

/// <summary>The API group and version every AiOperator kind lives in.</summary>
public static class GroupVersion
{
    public const string Group = "aioperator.dev";
    public const string Version = "v1alpha1";
    public const string ApiVersion = Group + "/" + Version;
    public const string Category = "ai";
}
