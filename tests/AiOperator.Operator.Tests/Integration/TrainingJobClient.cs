using AiOperator.Api.V1Alpha1;
using k8s;
using k8s.Models;

namespace AiOperator.Operator.Tests.Integration;

/// <summary>Typed access to TrainingJobs for tests, on KubernetesClient's generic client.</summary>
internal sealed class TrainingJobClient(Kubernetes client) : IDisposable
{
    private readonly GenericClient _generic = new(client, GroupVersion.Group, GroupVersion.Version, TrainingJob.Plural, disposeClient: false);

    public Task<TrainingJob> CreateAsync(TrainingJob job) => _generic.CreateNamespacedAsync(job, job.Metadata.NamespaceProperty);

    public Task<TrainingJob> GetAsync(string ns, string name) => _generic.ReadNamespacedAsync<TrainingJob>(ns, name);

    public async Task<TrainingJob?> TryGetAsync(string ns, string name)
    {
        try
        {
            return await GetAsync(ns, name);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public Task<TrainingJob> PatchAsync(string ns, string name, string mergePatch) =>
        _generic.PatchNamespacedAsync<TrainingJob>(new V1Patch(mergePatch, V1Patch.PatchType.MergePatch), ns, name);

    // The answer is a Status when the job goes at once and the job itself while a finalizer holds it, as kube-apiserver does for custom resources.
    public Task DeleteAsync(string ns, string name) => client.CustomObjects.DeleteNamespacedCustomObjectAsync(GroupVersion.Group, GroupVersion.Version, ns, TrainingJob.Plural, name);

    /// <summary>A CPU job (the CPU node has room for many) unless gpus is set.</summary>
    public static TrainingJob New(string ns, string name, string image, int workers = 2, int gpus = 0) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new TrainingJobSpec
        {
            Image = image,
            Workers = workers,
            Resources = new ResourcesSpec { Gpu = new GpuSpec { Count = gpus } },
            Checkpoint = new CheckpointSpec { ClaimName = "ckpt" },
            Output = new OutputSpec { ClaimName = "models", Path = $"{name}/model.onnx", ModelVersion = "1" },
        },
    };

    public void Dispose() => _generic.Dispose();
}
