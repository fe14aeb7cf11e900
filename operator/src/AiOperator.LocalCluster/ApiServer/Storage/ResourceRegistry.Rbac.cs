using AiOperator.LocalCluster.ApiServer.Auth;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Schema;

namespace AiOperator.LocalCluster.ApiServer.Storage;

// The bootstrap RBAC policy, created once like the default namespaces (kept if already there).
internal sealed partial class ResourceRegistry
{
    private void SeedBootstrapPolicy()
    {
        foreach (var (plural, obj) in BootstrapPolicy.Objects())
        {
            if (_catalog.FindByStoreKey("rbac.authorization.k8s.io/" + plural) is not { } type)
            {
                continue;
            }

            lock (_store.Gate)
            {
                if (_store.Get(type.StoreKey, "", obj.Name()) is null)
                {
                    CreateLocked(type, "", obj, new WriteContext("kube-apiserver", false, false, FieldValidation.Ignore), applyManaged: null);
                }
            }
        }
    }
}
