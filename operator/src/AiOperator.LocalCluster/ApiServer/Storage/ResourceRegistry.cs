using System.Globalization;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Http;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Patching;
using AiOperator.LocalCluster.ApiServer.Resources;
using AiOperator.LocalCluster.ApiServer.Schema;

namespace AiOperator.LocalCluster.ApiServer.Storage;

// The verbs' semantics over the store: create/update/patch/apply/delete with resourceVersion checks,
// generation, status subresource rules, finalizers, garbage collection and namespace termination.
// Every verb runs under the store lock, so its read-check-write is atomic and GC is immediate.
internal sealed partial class ResourceRegistry : IDisposable
{
    public const string ForegroundFinalizer = "foregroundDeletion";
    private const string NamespaceStoreKey = "/namespaces";
    private const string CrdStoreKey = "apiextensions.k8s.io/customresourcedefinitions";
    private const string NameChars = "bcdfghjklmnpqrstvwxz2456789";

    private static readonly string[] SystemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];
    private readonly ObjectStore _store;
    private readonly ResourceCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, ITimer> _podGraceTimers = new(StringComparer.Ordinal);

    public ResourceRegistry(ObjectStore store, ResourceCatalog catalog, TimeProvider time)
    {
        _store = store;
        _catalog = catalog;
        _time = time;
        ServeStoredCrds();
        var nsType = catalog.FindByStoreKey(NamespaceStoreKey)!;
        foreach (var name in SystemNamespaces.Where(n => !Exists(NamespaceStoreKey, n)))
        {
            Create(nsType, "", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name } },
                new WriteContext("kube-apiserver", false, false, FieldValidation.Ignore));
        }

        SeedSystemPriorityClasses();
        SeedBootstrapPolicy();
    }

    public ObjectStore Store => _store;

    public ResourceCatalog Catalog => _catalog;

    private bool Exists(string storeKey, string name)
    {
        lock (_store.Gate)
        {
            return _store.Get(storeKey, "", name) is not null;
        }
    }

    // After a restart from a state folder: the CRDs already stored are served again.
    private void ServeStoredCrds()
    {
        lock (_store.Gate)
        {
            foreach (var crd in _store.Enumerate(CrdStoreKey, null).ToList())
            {
                var (types, errors) = CrdReader.Read(crd.MutableCopy());
                if (errors.Count == 0)
                {
                    _catalog.SetCustom(crd.Ref.Name, types);
                }
            }
        }
    }

    public StoredObject Get(ResourceType type, string ns, string name)
    {
        lock (_store.Gate)
        {
            return _store.Get(type.StoreKey, ns, name) ?? throw ApiErrors.NotFound(type.Group, type.Plural, name);
        }
    }

    public WriteResult Create(ResourceType type, string ns, JsonObject body, WriteContext ctx)
    {
        lock (_store.Gate)
        {
            return CreateLocked(type, ns, body, ctx, applyManaged: null);
        }
    }

    public WriteResult Update(ResourceType type, string ns, string name, JsonObject body, string? subresource, WriteContext ctx)
    {
        lock (_store.Gate)
        {
            var existing = _store.Get(type.StoreKey, ns, name) ?? throw ApiErrors.NotFound(type.Group, type.Plural, name);
            var bodyRv = body.Obj("metadata").Str("resourceVersion");
            if (!string.IsNullOrEmpty(bodyRv) && bodyRv != existing.ResourceVersion.ToString(CultureInfo.InvariantCulture))
            {
                throw ApiErrors.StaleResourceVersion(type.Group, type.Plural, name);
            }

            return UpdateLocked(type, existing, body, subresource, ctx);
        }
    }

    // Patch bodies are applied to the current object inside the lock, so concurrent patches never lose writes.
    public WriteResult Patch(ResourceType type, string ns, string name, Func<JsonObject, JsonObject> patch, string? subresource, WriteContext ctx)
    {
        lock (_store.Gate)
        {
            var existing = _store.Get(type.StoreKey, ns, name) ?? throw ApiErrors.NotFound(type.Group, type.Plural, name);
            var patched = patch(existing.MutableCopy());
            var patchedRv = patched.Obj("metadata").Str("resourceVersion");
            if (!string.IsNullOrEmpty(patchedRv) && patchedRv != existing.ResourceVersion.ToString(CultureInfo.InvariantCulture))
            {
                throw ApiErrors.StaleResourceVersion(type.Group, type.Plural, name);
            }

            return UpdateLocked(type, existing, patched, subresource, ctx);
        }
    }

    public WriteResult Apply(ResourceType type, string ns, string name, JsonObject applied, string? subresource, WriteContext ctx)
    {
        lock (_store.Gate)
        {
            var now = JsonTree.Rfc3339(_time.GetUtcNow());
            var builtin = !type.IsCustom;
            var existing = _store.Get(type.StoreKey, ns, name);
            if (existing is null)
            {
                if (subresource is not null)
                {
                    throw ApiErrors.NotFound(type.Group, type.Plural, name);
                }

                var merged = ManagedFields.Apply(null, applied, ctx.Manager, ctx.Force, type.ApiVersion, now, type.Schema, builtin);
                return CreateLocked(type, ns, merged, ctx, applyManaged: merged.Obj("metadata")?["managedFields"]?.DeepClone());
            }

            var result = ManagedFields.Apply(existing.Object, applied, ctx.Manager, ctx.Force, type.ApiVersion, now, type.Schema, builtin);
            return UpdateLocked(type, existing, result, subresource, ctx, managedAlreadySet: true);
        }
    }

    public WriteResult Delete(ResourceType type, string ns, string name, DeleteRequest request)
    {
        lock (_store.Gate)
        {
            var existing = _store.Get(type.StoreKey, ns, name) ?? throw ApiErrors.NotFound(type.Group, type.Plural, name);
            if (request.PreconditionUid is { } uid && uid != existing.Uid)
            {
                throw ApiErrors.Conflict(type.Group, type.Plural, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {existing.Uid}");
            }

            if (request.PreconditionResourceVersion is { } rv && rv != existing.ResourceVersion.ToString(CultureInfo.InvariantCulture))
            {
                throw ApiErrors.Conflict(type.Group, type.Plural, name, $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {existing.ResourceVersion}");
            }

            if (request.DryRun)
            {
                return new WriteResult(existing, 200);
            }

            var policy = request.PropagationPolicy ?? "Background";
            if (policy is not ("Background" or "Foreground" or "Orphan"))
            {
                throw ApiErrors.Invalid("", "DeleteOptions", "", [FieldError.NotSupported("propagationPolicy", $"\"{policy}\"", ["\"Foreground\"", "\"Background\"", "\"Orphan\""])]);
            }

            var after = DeleteLocked(type, existing, policy, request.GracePeriodSeconds);
            return after is null ? new WriteResult(existing, 200, Gone: true) : new WriteResult(after, 200);
        }
    }

    public IReadOnlyList<StoredObject> DeleteCollection(ResourceType type, string? ns, Func<JsonObject, bool> filter, DeleteRequest request)
    {
        lock (_store.Gate)
        {
            var targets = _store.Enumerate(type.StoreKey, ns).Where(s => filter(s.Object)).ToList();
            if (request.DryRun)
            {
                return targets;
            }

            foreach (var target in targets)
            {
                var current = _store.Get(target.Ref);
                if (current is not null)
                {
                    DeleteLocked(type, current, request.PropagationPolicy ?? "Background", request.GracePeriodSeconds);
                }
            }

            return targets;
        }
    }

    public void Dispose()
    {
        lock (_store.Gate)
        {
            foreach (var timer in _podGraceTimers.Values)
            {
                timer.Dispose();
            }

            _podGraceTimers.Clear();
        }
    }

    private WriteResult CreateLocked(ResourceType type, string ns, JsonObject body, WriteContext ctx, JsonNode? applyManaged)
    {
        var metadata = body.Metadata();
        if (!string.IsNullOrEmpty(metadata.Str("resourceVersion")))
        {
            throw ApiErrors.BadRequest("resourceVersion should not be set on objects to be created");
        }

        if (type.Namespaced)
        {
            var bodyNs = metadata.Str("namespace");
            if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
            {
                throw ApiErrors.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }

            metadata["namespace"] = ns;
            var nsObj = _store.Get(NamespaceStoreKey, "", ns) ?? throw ApiErrors.NotFound("", "namespaces", ns);
            if (nsObj.Object.Obj("metadata")?["deletionTimestamp"] is not null)
            {
                throw ApiErrors.Forbidden(type.Group, type.Plural, metadata.Str("name") ?? "", $"unable to create new content in namespace {ns} because it is being terminated");
            }
        }
        else
        {
            metadata.Remove("namespace");
        }

        var name = metadata.Str("name");
        if (string.IsNullOrEmpty(name))
        {
            var prefix = metadata.Str("generateName");
            if (string.IsNullOrEmpty(prefix))
            {
                throw ApiErrors.Invalid(type.Group, type.Kind, "", [FieldError.Required("metadata.name")]);
            }

            do
            {
                name = prefix + string.Concat(Enumerable.Range(0, 5).Select(_ => NameChars[Random.Shared.Next(NameChars.Length)]));
            }
            while (_store.Get(type.StoreKey, type.Namespaced ? ns : "", name) is not null);
            metadata["name"] = name;
        }

        if (_store.Get(type.StoreKey, type.Namespaced ? ns : "", name) is not null)
        {
            throw ApiErrors.AlreadyExists(type.Group, type.Plural, name);
        }

        var now = _time.GetUtcNow();
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = JsonTree.Rfc3339(now);
        metadata["generation"] = 1;
        metadata.Remove("deletionTimestamp");
        metadata.Remove("deletionGracePeriodSeconds");
        metadata.Remove("selfLink");
        metadata.Remove("managedFields");

        if (type.HasStatus && (type.IsCustom || type.ClearStatusOnCreate))
        {
            body.Remove("status");
        }

        ApplyCreateDefaults(type, body);
        AdmitCreate(type, type.Namespaced ? ns : "", body, ctx);

        var types = Prepare(type, body, null, ctx);
        if (applyManaged is not null)
        {
            metadata["managedFields"] = applyManaged;
            foreach (var entry in metadata.Arr("managedFields")!)
            {
                entry!["time"] = JsonTree.Rfc3339(now);
            }
        }
        else
        {
            ManagedFields.RecordUpdate(null, body, ctx.Manager, type.ApiVersion, JsonTree.Rfc3339(now), null, type.Schema, !type.IsCustom);
        }

        var reference = new ObjectRef(type.StoreKey, type.Namespaced ? ns : "", name);
        if (ctx.DryRun)
        {
            JsonTree.Freeze(body);
            return new WriteResult(new StoredObject(reference, body, JsonTree.ToBytes(body), _store.CurrentResourceVersion), 201);
        }

        var stored = _store.Put(reference, body, null);
        if (types is not null)
        {
            _catalog.SetCustom(name, types);
        }

        CollectIfOwnersAreGone(type, stored);
        return new WriteResult(stored, 201);
    }

    // The garbage collector deletes a dependent whose every owner is gone (by uid), e.g. a pod a
    // ReplicaSet controller created in the instant after its ReplicaSet was deleted. The create still
    // answers 201; watchers then see the object deleted, as they would on a real cluster.
    private void CollectIfOwnersAreGone(ResourceType type, StoredObject stored)
    {
        var owners = stored.Object.Obj("metadata").Arr("ownerReferences");
        if (owners is not { Count: > 0 })
        {
            return;
        }

        var anyLive = owners.Any(o => o.Str("uid") is not { } uid || _store.FindUid(uid) is not null);
        if (!anyLive)
        {
            DeleteLocked(type, stored, "Background", null);
        }
    }

    private WriteResult UpdateLocked(ResourceType type, StoredObject existing, JsonObject candidate, string? subresource, WriteContext ctx, bool managedAlreadySet = false)
    {
        var old = existing.Object;
        var name = old.Name();
        var bodyName = candidate.Obj("metadata").Str("name");
        if (!string.IsNullOrEmpty(bodyName) && bodyName != name)
        {
            throw ApiErrors.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }

        var bodyNs = candidate.Obj("metadata").Str("namespace");
        if (type.Namespaced && !string.IsNullOrEmpty(bodyNs) && bodyNs != existing.Ref.Namespace)
        {
            throw ApiErrors.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        var bodyUid = candidate.Obj("metadata").Str("uid");
        if (!string.IsNullOrEmpty(bodyUid) && bodyUid != old.Uid())
        {
            throw ApiErrors.Conflict(type.Group, type.Plural, name, $"Precondition failed: UID in precondition: {bodyUid}, UID in object meta: {old.Uid()}");
        }

        JsonObject next;
        if (subresource == "status")
        {
            next = (JsonObject)old.DeepClone();
            next.Remove("status");
            if (candidate["status"] is { } status)
            {
                next["status"] = status.DeepClone();
            }

            if (managedAlreadySet && candidate.Obj("metadata")?["managedFields"] is { } managed)
            {
                next.Metadata()["managedFields"] = managed.DeepClone();
            }
        }
        else
        {
            next = candidate;

            // A binding sets spec.nodeName and the PodScheduled condition together.
            if (type.HasStatus && subresource != BindingSubresource)
            {
                next.Remove("status");
                if (old["status"] is { } oldStatus)
                {
                    next["status"] = oldStatus.DeepClone();
                }
            }
        }

        var metadata = next.Metadata();
        var oldMeta = old.Obj("metadata")!;
        foreach (var field in new[] { "name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "resourceVersion" })
        {
            metadata.Remove(field);
            if (oldMeta[field] is { } value)
            {
                metadata[field] = value.DeepClone();
            }
        }

        metadata.Remove("selfLink");
        if (oldMeta["deletionTimestamp"] is not null)
        {
            var added = next.Finalizers().Except(old.Finalizers()).ToList();
            if (added.Count > 0)
            {
                throw ApiErrors.Invalid(type.Group, type.Kind, name, [FieldError.Forbidden("metadata.finalizers", $"no new finalizers can be added if the object is being deleted, found new finalizers []string{{\"{string.Join("\", \"", added)}\"}}")]);
            }
        }

        var types = Prepare(type, next, old, ctx, statusOnly: subresource == "status");
        var specChanged = SpecChanged(old, next);
        if (subresource is null)
        {
            AdmitUpdate(type, existing.Ref.Namespace, next, old, specChanged, ctx);
        }

        if (specChanged)
        {
            metadata["generation"] = (old.Obj("metadata").Long("generation") ?? 1) + 1;
        }

        if (!managedAlreadySet)
        {
            ManagedFields.RecordUpdate(old, next, ctx.Manager, type.ApiVersion, JsonTree.Rfc3339(_time.GetUtcNow()), subresource, type.Schema, !type.IsCustom);
        }

        // managedFields are carried over verbatim when nothing changed, so plain equality finds no-ops.
        if (JsonNode.DeepEquals(next, old))
        {
            return new WriteResult(existing, 200);
        }

        if (ctx.DryRun)
        {
            JsonTree.Freeze(next);
            return new WriteResult(new StoredObject(existing.Ref, next, JsonTree.ToBytes(next), existing.ResourceVersion), 200);
        }

        if (oldMeta["deletionTimestamp"] is not null && next.Finalizers().Count == 0 && !IsGracefulPod(type, next))
        {
            var final = _store.Put(existing.Ref, next, existing);
            RemoveFinal(final);
            return new WriteResult(final, 200);
        }

        var stored = _store.Put(existing.Ref, next, existing);
        if (types is not null)
        {
            _catalog.SetCustom(name, types);
        }

        if (oldMeta["deletionTimestamp"] is not null && next.Finalizers().Contains(ForegroundFinalizer))
        {
            CheckForeground(stored);
        }

        return new WriteResult(stored, 200);
    }

    // Pods still inside their grace period stay until the kubelet (or the grace timer) removes them.
    private bool IsGracefulPod(ResourceType type, JsonObject obj) =>
        type.StoreKey == "/pods" && (obj.Obj("metadata").Long("deletionGracePeriodSeconds") ?? 0) > 0
        && JsonTree.ParseTime(obj.Obj("metadata").Str("deletionTimestamp")) > _time.GetUtcNow();

    // Generation moves when anything but metadata and status changes (spec for built-ins).
    private static bool SpecChanged(JsonObject old, JsonObject next)
    {
        foreach (var (key, value) in next)
        {
            if (key is "metadata" or "status" or "apiVersion" or "kind")
            {
                continue;
            }

            if (!JsonNode.DeepEquals(value, old[key]))
            {
                return true;
            }
        }

        return old.Any(p => p.Key is not ("metadata" or "status" or "apiVersion" or "kind") && !next.ContainsKey(p.Key));
    }

    private static void ApplyCreateDefaults(ResourceType type, JsonObject body)
    {
        switch (type.StoreKey)
        {
            case NamespaceStoreKey:
                body.EnsureObj("spec")["finalizers"] = new JsonArray("kubernetes");
                body["status"] = new JsonObject { ["phase"] = "Active" };
                break;
            case "/pods":
                var status = body.EnsureObj("status");
                status["phase"] ??= "Pending";
                break;
            case "batch/jobs":
                JobSelector(body);
                break;
        }
    }

    // The Job strategy's generated selector: the Job's uid, also stamped on the pod template's labels.
    private static void JobSelector(JsonObject job)
    {
        var spec = job.EnsureObj("spec");
        if (JsonTree.IsTrue(spec["manualSelector"]))
        {
            return;
        }

        var uid = job.Uid();
        var name = job.Name();
        var labels = spec.EnsureObj("template").EnsureObj("metadata").EnsureObj("labels");
        labels["batch.kubernetes.io/controller-uid"] = uid;
        labels["batch.kubernetes.io/job-name"] = name;
        labels["controller-uid"] = uid;
        labels["job-name"] = name;
        spec["selector"] ??= new JsonObject { ["matchLabels"] = new JsonObject { ["batch.kubernetes.io/controller-uid"] = uid } };
    }

    // Validation, defaulting and pruning shared by create and update; returns CRD-derived types to register.
    private IReadOnlyList<ResourceType>? Prepare(ResourceType type, JsonObject obj, JsonObject? old, WriteContext ctx, bool statusOnly = false)
    {
        obj["apiVersion"] = type.ApiVersion;
        obj["kind"] = type.Kind;
        var name = obj.Name();
        var errors = new List<FieldError>();
        ValidateName(type, name, errors);

        var unknown = new List<string>();
        var typeErrors = new List<string>();
        if (type.IsCustom)
        {
            TypeShape.For(typeof(k8s.Models.V1ObjectMeta)).Check(obj["metadata"], "metadata", unknown, typeErrors);
            if (type.Schema is not null)
            {
                errors.AddRange(SchemaProcessor.Process(obj, type.Schema, unknown));
            }
        }
        else if (type.ModelType is not null)
        {
            // Wrong JSON types are refused always: a typed client could never decode the object again.
            TypeShape.For(type.ModelType).Check(obj, "", unknown, typeErrors);
        }

        if (typeErrors.Count > 0)
        {
            throw ApiErrors.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: {typeErrors[0]}");
        }

        if (!type.IsCustom)
        {
            BuiltinDefaults.Apply(type.StoreKey, obj);

            // As ValidatePodStatusUpdate and its kin: a status write does not re-judge the stored spec.
            if (!statusOnly)
            {
                BuiltinValidation.Check(type.StoreKey, obj, errors);
            }
        }

        if (unknown.Count > 0)
        {
            switch (ctx.Validation)
            {
                case FieldValidation.Strict:
                    throw ApiErrors.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: {string.Join(", ", unknown.Select(u => $"unknown field \"{u}\""))}");
                case FieldValidation.Warn:
                    ctx.Warnings.AddRange(unknown.Select(u => $"unknown field \"{u}\""));
                    break;
            }
        }

        IReadOnlyList<ResourceType>? types = null;
        if (type.StoreKey == CrdStoreKey)
        {
            var (crdTypes, crdErrors) = CrdReader.Read(obj);
            errors.AddRange(crdErrors);
            if (old is not null && (old.Obj("spec").Str("group") != obj.Obj("spec").Str("group") || old.Obj("spec").Obj("names").Str("plural") != obj.Obj("spec").Obj("names").Str("plural")))
            {
                errors.Add(FieldError.Invalid("spec.group", $"\"{obj.Obj("spec").Str("group")}\"", "field is immutable"));
            }

            if (errors.Count == 0)
            {
                types = crdTypes;
                SetCrdStatus(obj);
            }
        }

        if (errors.Count > 0)
        {
            throw ApiErrors.Invalid(type.Group, type.Kind, name, errors);
        }

        return types;
    }

    private void SetCrdStatus(JsonObject crd)
    {
        var spec = crd.Obj("spec")!;
        var now = JsonTree.Rfc3339(_time.GetUtcNow());
        var storage = spec.Arr("versions")!.First(v => JsonTree.IsTrue(v?["storage"])).Str("name")!;
        var previous = crd.Obj("status").Arr("storedVersions")?.Select(v => JsonTree.AsString(v) ?? "").ToList() ?? [];
        if (!previous.Contains(storage))
        {
            previous.Add(storage);
        }

        JsonObject Condition(string type, string reason, string message) => new()
        {
            ["type"] = type,
            ["status"] = "True",
            ["lastTransitionTime"] = crd.Obj("status").Arr("conditions")?.FirstOrDefault(c => c.Str("type") == type).Str("lastTransitionTime") ?? now,
            ["reason"] = reason,
            ["message"] = message,
        };

        crd["status"] = new JsonObject
        {
            ["conditions"] = new JsonArray(
                Condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                Condition("Established", "InitialNamesAccepted", "the initial names have been accepted")),
            ["acceptedNames"] = spec["names"]!.DeepClone(),
            ["storedVersions"] = new JsonArray(previous.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray()),
        };
    }

    private static void ValidateName(ResourceType type, string name, List<FieldError> errors)
    {
        if (name.Length == 0)
        {
            errors.Add(FieldError.Required("metadata.name"));
            return;
        }

        var isLabel = type.StoreKey == NamespaceStoreKey;
        var valid = isLabel ? Dns1123.IsLabel(name) : Dns1123.IsSubdomain(name);
        if (type.StoreKey is "/events" or "events.k8s.io/events" or "/nodes" or "rbac.authorization.k8s.io/roles" or "rbac.authorization.k8s.io/clusterroles"
            or "rbac.authorization.k8s.io/rolebindings" or "rbac.authorization.k8s.io/clusterrolebindings")
        {
            valid = name.Length <= (isLabel ? 63 : 253) && !name.Contains('/', StringComparison.Ordinal) && name is not ("." or "..");
        }

        if (!valid)
        {
            errors.Add(FieldError.Invalid("metadata.name", $"\"{name}\"", isLabel ? Dns1123.LabelMessage : Dns1123.SubdomainMessage));
        }
    }
}
