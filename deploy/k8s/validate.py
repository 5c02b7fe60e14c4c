#!/usr/bin/env python3
"""Offline checks of the Kubernetes manifests (no cluster or kustomize binary needed).

Parses every YAML file, follows kustomization.yaml references, and checks the contract the services
rely on: ports, health probes, Prometheus annotations, shared env, volumes, secrets kept out of the
kustomization, and the GPU overlay's trainer patch. Exit status 1 on any problem.
Usage: python3 deploy/k8s/validate.py
"""
import pathlib
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent
SERVICES = {"collector-service": 8081, "trainer-service": 8082, "evaluator-service": 8083,
            "viz-service": 8084, "neuronpedia-service": 8085}
CHECKPOINT_USERS = {"trainer-service": False, "evaluator-service": True}  # name -> readOnly
problems = []


def check(cond, msg):
    if not cond:
        problems.append(msg)


def load(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def kustomize_docs(directory):
    """Documents of a kustomization: its resources (recursively) plus its patch files."""
    k = load(directory / "kustomization.yaml")[0]
    docs, patches = [], []
    for res in k.get("resources", []):
        path = (directory / res).resolve()
        check(path.exists(), f"{directory.name}: resource {res} does not exist")
        if path.is_dir():
            docs += kustomize_docs(path)[0]
        elif path.exists():
            docs += load(path)
    for p in k.get("patches", []):
        path = directory / p["path"]
        check(path.exists(), f"{directory.name}: patch {p['path']} does not exist")
        if path.exists():
            patches += load(path)
    return docs, patches


def by_kind(docs, kind):
    return {d["metadata"]["name"]: d for d in docs if d.get("kind") == kind}


def main():
    for path in sorted(ROOT.rglob("*.yaml")):
        try:
            for d in load(path):
                check("apiVersion" in d and "kind" in d, f"{path.relative_to(ROOT)}: document without apiVersion/kind")
        except yaml.YAMLError as e:
            problems.append(f"{path.relative_to(ROOT)}: invalid YAML: {e}")
    docs, _ = kustomize_docs(ROOT / "base")
    check(not by_kind(docs, "Secret"), "base must not contain Secrets (create sae-db out of band)")
    cfg = by_kind(docs, "ConfigMap").get("sae-config", {}).get("data", {})
    for key in ("KAFKA_BOOTSTRAP_SERVERS", "SAE_DB_URL", "SAE_DB_USER", "SAE_CHECKPOINT_DIR", "SAE_MODEL_ROOTS"):
        check(key in cfg, f"sae-config lacks {key}")
    check("-Dai.djl.offline=true" in cfg.get("JAVA_OPTS_APPEND", ""), "JAVA_OPTS_APPEND must set ai.djl.offline=true")
    pvcs = by_kind(docs, "PersistentVolumeClaim")
    check(pvcs.get("sae-checkpoints", {}).get("spec", {}).get("accessModes") == ["ReadWriteMany"],
          "sae-checkpoints must be ReadWriteMany")
    check("nanochat-models" in pvcs, "nanochat-models PVC missing")
    check({"kafka", "postgres"} <= set(by_kind(docs, "StatefulSet")), "kafka and postgres StatefulSets expected")
    deployments, services = by_kind(docs, "Deployment"), by_kind(docs, "Service")
    for name, port in SERVICES.items():
        dep, svc = deployments.get(name), services.get(name)
        check(dep is not None and svc is not None, f"{name}: Deployment and Service expected")
        if dep is None or svc is None:
            continue
        pod = dep["spec"]["template"]
        c = pod["spec"]["containers"][0]
        ann = pod["metadata"].get("annotations", {})
        check(ann.get("prometheus.io/path") == "/q/metrics" and ann.get("prometheus.io/port") == str(port),
              f"{name}: prometheus annotations")
        check(c["ports"][0]["containerPort"] == port, f"{name}: containerPort {c['ports'][0]['containerPort']} != {port}")
        check(svc["spec"]["ports"][0]["port"] == port, f"{name}: Service port != {port}")
        check(svc["spec"]["selector"] == dep["spec"]["selector"]["matchLabels"], f"{name}: Service selector")
        check(c["readinessProbe"]["httpGet"]["path"] == "/q/health/ready", f"{name}: readiness path")
        check(c["livenessProbe"]["httpGet"]["path"] == "/q/health/live", f"{name}: liveness path")
        env = {e["name"]: e for e in c.get("env", [])}
        check(env.get("HTTP_PORT", {}).get("value") == str(port), f"{name}: HTTP_PORT env")
        check(env.get("SAE_DB_PASSWORD", {}).get("valueFrom", {}).get("secretKeyRef", {}).get("name") == "sae-db",
              f"{name}: SAE_DB_PASSWORD from secret sae-db")
        mounts = {m["name"]: m for m in c.get("volumeMounts", [])}
        if name in CHECKPOINT_USERS:
            m = mounts.get("sae-checkpoints", {})
            check(m.get("mountPath") == "/data/checkpoints", f"{name}: checkpoints at /data/checkpoints")
            check(m.get("readOnly", False) == CHECKPOINT_USERS[name], f"{name}: checkpoint readOnly flag")
        if "nanochat-models" in mounts:
            check(mounts["nanochat-models"].get("readOnly") is True and mounts["nanochat-models"]["mountPath"] == "/models",
                  f"{name}: models must be mounted read-only at /models")
        volumes = {v["name"] for v in pod["spec"].get("volumes", [])}
        check(set(mounts) <= volumes, f"{name}: mounts without volumes: {set(mounts) - volumes}")
    check("nanochat-models" in {m["name"] for m in deployments["collector-service"]["spec"]["template"]["spec"]
                                ["containers"][0]["volumeMounts"]}, "collector needs the models volume")
    gpu_docs, gpu_patches = kustomize_docs(ROOT / "overlays" / "gpu")
    patch = next((p for p in gpu_patches if p["metadata"]["name"] == "trainer-service"), None)
    check(patch is not None, "gpu overlay: trainer-service patch expected")
    if patch:
        c = patch["spec"]["template"]["spec"]["containers"][0]
        check(c["name"] == "trainer-service", "gpu patch must target container trainer-service")
        check(c["resources"]["limits"].get("nvidia.com/gpu") == 1, "gpu patch: limits nvidia.com/gpu 1")
        check({"name": "SAE_DEVICE", "value": "gpu"} in c["env"], "gpu patch: SAE_DEVICE=gpu")
    hpa = by_kind(gpu_docs, "HorizontalPodAutoscaler").get("trainer-service")
    check(hpa is not None and hpa["spec"]["scaleTargetRef"]["name"] == "trainer-service", "gpu overlay: trainer HPA")
    gpu_k = load(ROOT / "overlays" / "gpu" / "kustomization.yaml")[0]
    check(any(i.get("newName", "").endswith("-gpu") for i in gpu_k.get("images", [])), "gpu overlay: CUDA image")
    for p in problems:
        print("FAIL:", p)
    print(f"k8s manifests: {len(docs)} base documents, {len(gpu_docs)} gpu documents, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
