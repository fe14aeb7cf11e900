using k8s.Models;

namespace AiOperator.Operator.Pods;

/// <summary>The restricted Pod Security profile every pod the operator creates runs under.</summary>
internal static class RestrictedSecurity
{
    public const long User = 65532;

    public static V1SecurityContext Container() => new()
    {
        AllowPrivilegeEscalation = false,
        ReadOnlyRootFilesystem = true,
        RunAsNonRoot = true,
        Capabilities = new V1Capabilities { Drop = ["ALL"] },
        SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
    };

    public static V1PodSecurityContext Pod() => new()
    {
        RunAsNonRoot = true,
        RunAsUser = User,
        RunAsGroup = User,
        FsGroup = User,
        SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
    };
}
