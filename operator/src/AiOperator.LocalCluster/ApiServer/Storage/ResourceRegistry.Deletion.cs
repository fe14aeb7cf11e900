using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Resources;

namespace AiOperator.LocalCluster.ApiServer.Storage;

// Deletion: finalizers, graceful pod termination, propagation policies (garbage collection) and
// namespace termination. Runs with the store lock held.
internal sealed partial class ResourceRegistry
{
    // Returns the object's state when it still exists (finalizers, grace, foreground), null when removed.
    private StoredObject? DeleteLocked(ResourceType type, StoredObject current, string policy, long? gracePeriodSeconds)
    {
        var obj = current.Object;
        var meta = obj.Obj("metadata")!;
        var now = _time.GetUtcNow();
        var alreadyDeleting = meta["deletionTimestamp"] is not null;

        if (type.StoreKey == NamespaceStoreKey)
        {
            return DeleteNamespace(current);
        }

        var isPod = type.StoreKey == "/pods";
        if (isPod)
        {
            var grace = gracePeriodSeconds ?? obj.Obj("spec").Long("terminationGracePeriodSeconds") ?? 30;
            var scheduled = !string.IsNullOrEmpty(obj.Obj("spec").Str("nodeName"));
            var terminal = obj.Obj("status").Str("phase") is "Succeeded" or "Failed";
            if (scheduled && !terminal && grace > 0)
            {
                var deadline = now.AddSeconds(grace);
                var existingDeadline = JsonTree.ParseTime(meta.Str("deletionTimestamp"));
                if (existingDeadline is not null && existingDeadline <= deadline)
                {
                    return current;
                }

                var graceful = (JsonObject)obj.DeepClone();
                graceful.Metadata()["deletionTimestamp"] = JsonTree.Rfc3339(deadline);
                graceful.Metadata()["deletionGracePeriodSeconds"] = grace;
                if (policy == "Foreground" && !graceful.Finalizers().Contains(ForegroundFinalizer))
                {
                    AddFinalizer(graceful, ForegroundFinalizer);
                }

                var stored = _store.Put(current.Ref, graceful, current);
                SchedulePodRemoval(stored, TimeSpan.FromSeconds(grace));
                return stored;
            }
        }

        if (policy == "Orphan")
        {
            OrphanDependents(obj.Uid());
        }

        var finalizers = obj.Finalizers().ToList();
        if (policy == "Foreground" && !finalizers.Contains(ForegroundFinalizer) && _store.DependentsOf(obj.Uid()).Count > 0)
        {
            finalizers.Add(ForegroundFinalizer);
        }

        if (finalizers.Count == 0)
        {
            RemoveFinal(current);
            return null;
        }

        var next = (JsonObject)obj.DeepClone();
        var nextMeta = next.Metadata();
        if (!alreadyDeleting || isPod)
        {
            nextMeta["deletionTimestamp"] = JsonTree.Rfc3339(now);
            nextMeta["deletionGracePeriodSeconds"] = 0;
        }

        nextMeta["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray());
        var deleting = JsonNode.DeepEquals(next, obj) ? current : _store.Put(current.Ref, next, current);
        if (finalizers.Contains(ForegroundFinalizer))
        {
            foreach (var dependent in _store.DependentsOf(obj.Uid()))
            {
                if (_store.Get(dependent) is { } child && _catalog.FindByStoreKey(dependent.StoreKey) is { } childType)
                {
                    DeleteLocked(childType, child, "Foreground", null);
                }
            }

            return CheckForeground(_store.Get(current.Ref) ?? deleting);
        }

        return deleting;
    }

    // The object really goes away: DELETED event, then the garbage collector's follow-ups.
    private void RemoveFinal(StoredObject current)
    {
        if (_podGraceTimers.Remove(current.Uid, out var timer))
        {
            timer.Dispose();
        }

        var removed = _store.Remove(current);
        var uid = removed.Uid;

        // Background propagation: dependents go after their owner, unless another owner still lives.
        foreach (var dependent in _store.DependentsOf(uid))
        {
            var child = _store.Get(dependent);
            if (child is null || _catalog.FindByStoreKey(dependent.StoreKey) is not { } childType)
            {
                continue;
            }

            var owners = child.Object.Obj("metadata").Arr("ownerReferences") ?? [];
            var otherLiveOwner = owners.Any(o => o.Str("uid") is { } ownerUid && ownerUid != uid && _store.FindUid(ownerUid) is not null);
            if (otherLiveOwner)
            {
                RemoveOwnerReference(child, uid);
            }
            else if (child.Object.Obj("metadata")?["deletionTimestamp"] is null)
            {
                DeleteLocked(childType, child, "Background", null);
            }
        }

        // A foreground owner may have been waiting for this dependent.
        foreach (var owner in removed.Object.Obj("metadata").Arr("ownerReferences") ?? [])
        {
            if (owner.Str("uid") is { } ownerUid && _store.FindUid(ownerUid) is { } ownerRef && _store.Get(ownerRef) is { } ownerObj
                && ownerObj.Object.Finalizers().Contains(ForegroundFinalizer))
            {
                CheckForeground(ownerObj);
            }
        }

        if (removed.Ref.Namespace.Length > 0)
        {
            TryFinishNamespace(removed.Ref.Namespace);
        }

        if (removed.Ref.StoreKey == CrdStoreKey)
        {
            RemoveCustomResources(removed.Object);
        }
    }

    // The foregroundDeletion finalizer comes off once no dependent with blockOwnerDeletion remains.
    private StoredObject? CheckForeground(StoredObject owner)
    {
        var uid = owner.Uid;
        var blocking = _store.DependentsOf(uid).Any(d => _store.Get(d) is { } child
            && (child.Object.Obj("metadata").Arr("ownerReferences") ?? []).Any(o => o.Str("uid") == uid && JsonTree.IsTrue(o?["blockOwnerDeletion"])));
        if (blocking)
        {
            return owner;
        }

        var next = owner.MutableCopy();
        var remaining = next.Finalizers().Where(f => f != ForegroundFinalizer).ToList();
        next.Metadata()["finalizers"] = new JsonArray(remaining.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray());
        if (remaining.Count == 0)
        {
            next.Metadata().Remove("finalizers");
            var last = _store.Put(owner.Ref, next, owner);
            RemoveFinal(last);
            return null;
        }

        return _store.Put(owner.Ref, next, owner);
    }

    private void OrphanDependents(string uid)
    {
        foreach (var dependent in _store.DependentsOf(uid))
        {
            if (_store.Get(dependent) is { } child)
            {
                RemoveOwnerReference(child, uid);
            }
        }
    }

    private void RemoveOwnerReference(StoredObject child, string ownerUid)
    {
        var next = child.MutableCopy();
        var owners = next.Metadata().Arr("ownerReferences");
        if (owners is null)
        {
            return;
        }

        foreach (var owner in owners.Where(o => o.Str("uid") == ownerUid).ToList())
        {
            owners.Remove(owner);
        }

        if (owners.Count == 0)
        {
            next.Metadata().Remove("ownerReferences");
        }

        _store.Put(child.Ref, next, child);
    }

    private StoredObject? DeleteNamespace(StoredObject current)
    {
        var ns = current.Object.Name();
        var stored = current;
        if (current.Object.Obj("metadata")?["deletionTimestamp"] is null)
        {
            var next = current.MutableCopy();
            next.Metadata()["deletionTimestamp"] = JsonTree.Rfc3339(_time.GetUtcNow());
            next.Metadata()["deletionGracePeriodSeconds"] = 0;
            next.EnsureObj("status")["phase"] = "Terminating";
            stored = _store.Put(current.Ref, next, current);
        }

        foreach (var reference in _store.AllInNamespace(ns))
        {
            if (_store.Get(reference) is { } child && child.Object.Obj("metadata")?["deletionTimestamp"] is null
                && _catalog.FindByStoreKey(reference.StoreKey) is { } childType)
            {
                DeleteLocked(childType, child, "Background", null);
            }
        }

        return TryFinishNamespace(ns) ? null : _store.Get(current.Ref);
    }

    private bool TryFinishNamespace(string ns)
    {
        var nsObj = _store.Get(NamespaceStoreKey, "", ns);
        if (nsObj is null || nsObj.Object.Obj("metadata")?["deletionTimestamp"] is null || _store.AllInNamespace(ns).Count > 0)
        {
            return false;
        }

        if (nsObj.Object.Finalizers().Count > 0)
        {
            return false;
        }

        RemoveFinal(nsObj);
        return true;
    }

    // Deleting a CRD removes its objects outright (finalizers on them are not waited for) and stops serving it.
    private void RemoveCustomResources(JsonObject crd)
    {
        var group = crd.Obj("spec").Str("group");
        var plural = crd.Obj("spec").Obj("names").Str("plural");
        _catalog.RemoveCustom(crd.Name());
        if (group is null || plural is null)
        {
            return;
        }

        foreach (var stored in _store.Enumerate($"{group}/{plural}", null).ToList())
        {
            _store.Remove(stored);
        }

        _store.CloseWatchers($"{group}/{plural}");
    }

    private void SchedulePodRemoval(StoredObject pod, TimeSpan grace)
    {
        var uid = pod.Uid;
        if (_podGraceTimers.Remove(uid, out var previous))
        {
            previous.Dispose();
        }

        var reference = pod.Ref;
        _podGraceTimers[uid] = _time.CreateTimer(_ => ExpirePodGrace(reference, uid), null, grace, Timeout.InfiniteTimeSpan);
    }

    // No kubelet finished the pod within its grace period: remove it, as the real cluster eventually does.
    private void ExpirePodGrace(ObjectRef reference, string uid)
    {
        lock (_store.Gate)
        {
            var pod = _store.Get(reference);
            if (pod is null || pod.Uid != uid || pod.Object.Obj("metadata")?["deletionTimestamp"] is null)
            {
                return;
            }

            _podGraceTimers.Remove(uid);
            var remaining = pod.Object.Finalizers();
            if (remaining.Count == 0 || (remaining.Count == 1 && remaining[0] == ForegroundFinalizer && !_store.DependentsOf(uid).Any()))
            {
                RemoveFinal(pod);
            }
        }
    }

    private static void AddFinalizer(JsonObject obj, string finalizer)
    {
        var list = obj.Metadata().Arr("finalizers");
        if (list is null)
        {
            list = [];
            obj.Metadata()["finalizers"] = list;
        }

        list.Add(finalizer);
    }
}
