"""The Debian python3-kubernetes client against the local API server (run by PythonClientTests).

Usage: configmap_round_trip.py KUBECONFIG NAMESPACE. Prints one line per check; exits non-zero on the
first failure. Everything goes through the client's own API (watch=True in the query string, etc.).
"""
import sys

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException


def expect_status(code, call):
    try:
        call()
    except ApiException as ex:
        if ex.status != code:
            sys.exit(f"expected HTTP {code}, got {ex.status}: {ex.body}")
        print(f"status {code} ok")
        return
    sys.exit(f"expected HTTP {code}, the call succeeded")


def main(kubeconfig, namespace):
    config.load_kube_config(config_file=kubeconfig)
    v1 = client.CoreV1Api()

    listed = v1.list_namespaced_config_map(namespace)
    rv = listed.metadata.resource_version
    print(f"list rv={rv} items={len(listed.items)}")

    body = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py"), data={"mode": "fast"})
    created = v1.create_namespaced_config_map(namespace, body)
    print(f"created rv={created.metadata.resource_version}")

    created.data["mode"] = "slow"
    replaced = v1.replace_namespaced_config_map("py", namespace, created)
    print(f"replaced rv={replaced.metadata.resource_version}")

    # created still carries the first resourceVersion: a stale write.
    created.data["mode"] = "stale"
    expect_status(409, lambda: v1.replace_namespaced_config_map("py", namespace, created))

    names = [item.metadata.name for item in v1.list_namespaced_config_map(namespace).items]
    if names != ["py"]:
        sys.exit(f"list after create: expected ['py'], got {names}")

    v1.delete_namespaced_config_map("py", namespace)
    expect_status(404, lambda: v1.read_namespaced_config_map("py", namespace))

    seen = []
    w = watch.Watch()
    for event in w.stream(v1.list_namespaced_config_map, namespace, resource_version=rv, timeout_seconds=20):
        obj = event["object"]
        seen.append(f"{event['type']}:{obj.metadata.name}:{(obj.data or {}).get('mode')}")
        print(f"event {seen[-1]}")
        if event["type"] == "DELETED":
            w.stop()
    expected = ["ADDED:py:fast", "MODIFIED:py:slow", "DELETED:py:slow"]
    if seen != expected:
        sys.exit(f"watch from rv {rv}: expected {expected}, got {seen}")
    print("ok")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
