using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AiOperator.Api.Crds;

/// <summary>
/// Installs the project's CRDs in a cluster and waits until the API server serves them: `aiop local`
/// and the test fixtures install them this one way.
/// </summary>
public static class CrdInstaller
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Creates every CRD in <see cref="AiOperatorCrds.All"/>, or replaces one that is already there (a
    /// restarted `aiop local` on the same state folder, whose CRDs may come from an older build), then polls
    /// until each is Established (created resources are refused before that); bound the wait with the token.
    /// </summary>
    public static Task InstallAsync(IKubernetes client, CancellationToken cancellationToken = default) =>
        InstallAsync(client, TimeProvider.System, cancellationToken);

    /// <inheritdoc cref="InstallAsync(IKubernetes, CancellationToken)"/>
    public static async Task InstallAsync(IKubernetes client, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        foreach (var crd in AiOperatorCrds.All)
        {
            await CreateOrReplaceAsync(client, Render(crd), cancellationToken).ConfigureAwait(false);
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

    // As `kubectl apply` of the generated YAML: the stored CRD takes this build's spec. Replacing carries the
    // stored resourceVersion, so a concurrent writer makes it fail with 409 and it is read again.
    private static async Task CreateOrReplaceAsync(IKubernetes client, V1CustomResourceDefinition wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(wanted, cancellationToken: cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
            {
            }

            try
            {
                var stored = await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(wanted.Metadata.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
                wanted.Metadata.ResourceVersion = stored.Metadata.ResourceVersion;
                await client.ApiextensionsV1.ReplaceCustomResourceDefinitionAsync(wanted, wanted.Metadata.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
            {
                // Changed or deleted since it was read: start over.
            }
        }
    }

    /// <summary>The CRD as the API server receives it: the same YAML that `aiop crds` writes.</summary>
    public static V1CustomResourceDefinition Render(CrdDefinition crd) =>
        KubernetesYaml.Deserialize<V1CustomResourceDefinition>(CrdGenerator.RenderYaml(crd));
}
