using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Reconciliation;
using k8s.Models;

namespace AiOperator.Operator.ModelDeployments;

/// <summary>The ModelDeployment controller and the informers it made, for loops that read the same caches.</summary>
internal sealed record ModelDeploymentWiring(Controller<ModelDeployment> Controller, Informer<ModelDeployment> ModelDeployments, Informer<V1Pod> Pods);
