using k8s;
using k8s.Models;

namespace AiOperator.Api.Crds;

/// <summary>
/// Creates the project's CRDs in a cluster and waits until the API server serves them: `aiop local`
/// and the test fixtures install them this one way.
/// </summary>
public static class CrdInstaller
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Creates every CRD in <see cref="AiOperatorCrds.All"/>, then polls until each is Established
    /// (created resources are refused before that); bound the wait with the token.
    /// </summary>
    public static Task InstallAsync(IKubernetes client, CancellationToken cancellationToken = default) =>
        InstallAsync(client, TimeProvider.System, cancellationToken);

    /// <inheritdoc cref="InstallAsync(IKubernetes, CancellationToken)"/>
    public static async Task InstallAsync(IKubernetes client, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        foreach (var crd in AiOperatorCrds.All)
        {
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(Render(crd), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var names = AiOperatorCrds.All.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        while (true)
        {
            var list = await client.ApiextensionsV1.ListCustomResourceDefinitionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var established = list.Items.Count(c => names.Contains(c.Metadata.Name) && c.Status?.Conditions?.Any(x => x.Type == "Established" && x.Status == "True") == true);
            if (established == names.Count)
            {
                return;
            }

            await Task.Delay(Poll, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The CRD as the API server receives it: the same YAML that `aiop crds` writes.</summary>
    public static V1CustomResourceDefinition Render(CrdDefinition crd) =>
        KubernetesYaml.Deserialize<V1CustomResourceDefinition>(CrdGenerator.RenderYaml(crd));
}
