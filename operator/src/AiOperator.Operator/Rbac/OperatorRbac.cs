using AiOperator.Api.Crds;
using AiOperator.Api.V1Alpha1;

namespace AiOperator.Operator.Rbac;

/// <summary>
/// What the operator may do, and the one place that says it: config/rbac and the Helm chart's rules are
/// generated from here (`aiop rbac`), and an integration test compares them with the requests the operator
/// makes. Adding a verb is a one-line change here, then regenerate.
/// </summary>
internal static class OperatorRbac
{
    private const string Group = GroupVersion.Group;

    /// <summary>The manager's rules (a ClusterRole, or per watched namespace a Role plus the cluster-scoped rules).</summary>
    public static IReadOnlyList<PolicyRule> Manager { get; } =
    [
        new([Group], ["modeldeployments"], ["list", "watch"]),
        new([Group], ["modeldeployments"], ["get"], Why: "before adopting orphaned children the owner is read uncached, so one deleted a moment ago is not given them (AdoptionTests)"),
        new([Group], ["modeldeployments"], ["patch"], Why: "the rollout removes the aioperator.dev/promote|abort|rollback-to annotation it acted on (RolloutTests)"),
        new([Group], ["modeldeployments/status"], ["patch"]),

        // Children carry ownerReferences with blockOwnerDeletion: under OwnerReferencesPermissionEnforcement
        // (on by default in OpenShift) creating them needs update on the owner's finalizers subresource.
        new([Group], ["modeldeployments/finalizers"], ["update"], Why: "authorizes blockOwnerDeletion under OwnerReferencesPermissionEnforcement; checked by admission, never requested"),
        new([Group], ["trainingjobs"], ["list", "watch"]),
        new([Group], ["trainingjobs"], ["delete"], Why: "ttlSecondsAfterFinished removes a finished TrainingJob (TrainingJobTests)"),
        new([Group], ["trainingjobs/status"], ["patch"], Why: "the TrainingJob controller's status (TrainingJobTests)"),
        new([Group], ["trainingjobs/finalizers"], ["update"], Why: "authorizes blockOwnerDeletion under OwnerReferencesPermissionEnforcement; checked by admission, never requested"),
        new(["apps"], ["deployments"], ["list", "watch", "create", "patch", "delete"]),
        new([""], ["services"], ["list", "watch", "create", "patch"]),
        new([""], ["services"], ["delete"], Why: "the <name>-canary Service goes when its canary does (RolloutTests)"),
        new([""], ["pods"], ["list", "watch"]),
        new([""], ["pods"], ["create", "delete"], Why: "TrainingJob worker pods: a failed gang is deleted whole and recreated (TrainingJobTests)"),
        // The autoscaler never asks for more replicas than the allocatable GPUs hold.
        new([""], ["nodes"], ["list", "watch"]),
        new(["policy"], ["poddisruptionbudgets"], ["list", "watch", "create", "patch", "delete"]),
        new([""], ["events"], ["create"]),
        new([""], ["events"], ["patch"], Why: "an Event repeated within 10 minutes has its count bumped instead of a new Event (EventRecorder)"),
        new(["apiextensions.k8s.io"], ["customresourcedefinitions"], ["get"], [.. AiOperatorCrds.All.Select(c => c.Name)]),
    ];

    /// <summary>Leader election: one Lease in the operator's own namespace (a Role there).</summary>
    public static IReadOnlyList<PolicyRule> LeaderElection { get; } =
    [
        new(["coordination.k8s.io"], ["leases"], ["get", "create", "update"]),
    ];
}
