using AiOperator.Api.V1Alpha1;
using k8s;
using k8s.Models;

namespace AiOperator.Operator.Tests.Integration;

/// <summary>Typed access to ModelDeployments for tests, on KubernetesClient's generic client.</summary>
internal sealed class ModelDeploymentClient(Kubernetes client) : IDisposable
{
    private readonly GenericClient _generic = new(client, GroupVersion.Group, GroupVersion.Version, ModelDeployment.Plural, disposeClient: false);

    public Task<ModelDeployment> CreateAsync(ModelDeployment md) => _generic.CreateNamespacedAsync(md, md.Metadata.NamespaceProperty);

    public Task<ModelDeployment> GetAsync(string ns, string name) => _generic.ReadNamespacedAsync<ModelDeployment>(ns, name);

    public async Task<IReadOnlyList<ModelDeployment>> ListAsync(string ns) =>
        [.. (await _generic.ListNamespacedAsync<CustomResourceList<ModelDeployment>>(ns)).Items];

    public Task<ModelDeployment> PatchAsync(string ns, string name, string mergePatch) =>
        _generic.PatchNamespacedAsync<ModelDeployment>(new V1Patch(mergePatch, V1Patch.PatchType.MergePatch), ns, name);

    // The answer is a Status when the object goes at once and the object itself while a finalizer holds it, as kube-apiserver does for custom resources.
    public Task DeleteAsync(string ns, string name) => client.CustomObjects.DeleteNamespacedCustomObjectAsync(GroupVersion.Group, GroupVersion.Version, ns, ModelDeployment.Plural, name);

    public static ModelDeployment New(string ns, string name, int replicas = 2, int gpus = 1, string version = "1") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new ModelDeploymentSpec
        {
            Model = new ModelSource { Name = name, Version = version, Uri = $"pvc://models/{name}/{version}/model.onnx" },
            Resources = new ResourcesSpec { Gpu = new GpuSpec { Count = gpus } },
            Replicas = replicas,
        },
    };

    public void Dispose() => _generic.Dispose();
}
