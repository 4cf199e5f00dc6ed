#!/usr/bin/env bash
# Validates deploy/ offline (no cluster, no Docker engine, no network beyond pip):
#   1. Kubernetes manifests: every object against the Kubernetes 1.30 schemas with `kubernetes-validate --strict`
#      (pip-installed for this user if missing, pinned), and `kubectl kustomize` renders both kustomizations
#      (when kubectl is installed).
#   2. Consistency (python3 + PyYAML): every environment variable named in a ConfigMap, Secret example, compose
#      service, systemd unit or env example is documented in docs/configuration.md; every kustomization
#      resource exists; each Deployment's ConfigMap, Secret names, ports and probes agree with its ConfigMap.
#   3. systemd units: `systemd-analyze verify` (when it exists), on copies whose ExecStart points at a stand-in
#      executable (verify refuses a missing binary); any warning it prints is a failure.
#   4. compose: parses as YAML; `docker compose config` too when the compose plugin is installed.
# Usage: scripts/validate-deploy.sh        (exit 0: all good; non-zero with a message naming the problem)
set -euo pipefail
cd "$(dirname "$0")/.."
deploy=deploy
k8s_version=1.30.0
validator_pin="kubernetes-validate==1.37.0"

fail() { echo "validate-deploy: $*" >&2; exit 1; }
[ -d "$deploy" ] || fail "$deploy/ is missing"
work=$(mktemp -d /tmp/validate-deploy.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

# --- 1. Kubernetes schemas ----------------------------------------------------------------------------------
python3 -c 'import yaml' 2>/dev/null || python3 -m pip install --quiet --user pyyaml >&2
if ! python3 -c 'import kubernetes_validate' 2>/dev/null; then
    python3 -m pip install --quiet --user "$validator_pin" >&2 || fail "could not install $validator_pin"
fi
mapfile -t manifests < <(find "$deploy/kubernetes" -name '*.yaml' ! -name kustomization.yaml ! -path '*/cert-manager/*' | sort)
[ ${#manifests[@]} -gt 0 ] || fail "no Kubernetes manifests under $deploy/kubernetes"
# Unknown kinds are only a warning for kubernetes-validate: here every core manifest must have a schema.
if ! python3 -m kubernetes_validate --kubernetes-version "$k8s_version" --strict --quiet "${manifests[@]}" \
        >"$work/k8s.out" 2>&1 || grep -q . "$work/k8s.out"; then
    cat "$work/k8s.out" >&2
    fail "Kubernetes manifests do not validate against Kubernetes $k8s_version (strict)"
fi
echo "validate-deploy: ${#manifests[@]} Kubernetes manifests valid against Kubernetes $k8s_version (strict)"
if command -v kubectl >/dev/null 2>&1; then
    for dir in "$deploy/kubernetes" "$deploy/kubernetes/cert-manager"; do
        timeout 60 kubectl kustomize "$dir" >"$work/rendered.yaml" 2>"$work/kustomize.err" \
            || { cat "$work/kustomize.err" >&2; fail "kubectl kustomize $dir failed"; }
    done
    echo "validate-deploy: kustomizations render (kubectl kustomize)"
else
    echo "validate-deploy: kubectl not installed; kustomize rendering skipped (resources checked below)"
fi

# --- 2. Consistency -----------------------------------------------------------------------------------------
python3 - "$deploy" docs/configuration.md <<'PY'
import glob, os, re, sys, yaml

deploy, config_doc = sys.argv[1], sys.argv[2]
problems = []
documented = set(re.findall(r"`([A-Z][A-Z0-9_]*)`", open(config_doc, encoding="utf-8").read()))
def check_names(names, where):
    for name in names:
        if name.startswith("WEBHOOK_SECRET_") and re.fullmatch(r"WEBHOOK_SECRET_[A-Z0-9_]{1,32}", name):
            continue  # WEBHOOK_SECRET_<SOURCE>
        if name not in documented:
            problems.append(f"{where}: {name} is not in {config_doc}")
def load_all(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d]

# Kustomizations list only files that exist.
for kust in glob.glob(f"{deploy}/kubernetes/**/kustomization.yaml", recursive=True):
    base = os.path.dirname(kust)
    for resource in load_all(kust)[0].get("resources", []):
        if not os.path.exists(os.path.join(base, resource)):
            problems.append(f"{kust}: resource {resource} does not exist")

# Per service: ConfigMap and Secret example names, Deployment references, ports.
objects = {}
for path in sorted(glob.glob(f"{deploy}/kubernetes/*/*.yaml")):
    if "cert-manager" in path or path.endswith("kustomization.yaml"):
        continue
    for doc in load_all(path):
        objects[(doc["kind"], doc["metadata"]["name"])] = (path, doc)
        if doc["kind"] in ("ConfigMap", "Secret"):
            data = {**doc.get("data", {}), **doc.get("stringData", {})}
            check_names(data, path)
deployments = [(p, d) for (k, _), (p, d) in objects.items() if k == "Deployment"]
if len(deployments) < 3:
    problems.append(f"expected a Deployment per service, found {len(deployments)}")
for path, dep in deployments:
    name = dep["metadata"]["name"]
    pod = dep["spec"]["template"]["spec"]
    container = pod["containers"][0]
    refs = {(("ConfigMap" if "configMapRef" in e else "Secret"),
             (e.get("configMapRef") or e.get("secretRef"))["name"]) for e in container.get("envFrom", [])}
    config = None
    for kind, ref in sorted(refs):
        if (kind, ref) not in objects:
            problems.append(f"{path}: {kind} {ref} is not defined in {deploy}/kubernetes/{name}/")
        elif kind == "ConfigMap":
            config = objects[(kind, ref)][1].get("data", {})
    if config is None:
        problems.append(f"{path}: no ConfigMap in envFrom")
        continue
    ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
    port_variable = "WIRE_PORT" if "wire" in ports else "PURRPURR_HTTP_PORT"
    port = ports.get("wire", ports.get("http"))
    if str(port) != str(config.get(port_variable)):
        problems.append(f"{path}: containerPort {port} differs from {port_variable}={config.get(port_variable)}")
    if config.get("WIRE_HOST", config.get("PURRPURR_HTTP_HOST")) not in ("0.0.0.0", "::"):
        problems.append(f"{path}: the server must bind 0.0.0.0 or :: in a pod")
    drain = float(config.get("DRAIN_TIMEOUT_SECONDS", 10))
    if pod.get("terminationGracePeriodSeconds", 30) <= drain + 5:
        problems.append(f"{path}: terminationGracePeriodSeconds must exceed DRAIN_TIMEOUT_SECONDS + the preStop pause")
    mounts = {m["mountPath"] for m in container.get("volumeMounts", [])}
    for variable in ("MESH_CA_PATH", "MESH_CERT_PATH", "MESH_KEY_PATH"):
        if variable in config and os.path.dirname(config[variable]) not in mounts:
            problems.append(f"{path}: {variable} is not under a mounted volume")
    context = container.get("securityContext", {})
    if not (context.get("readOnlyRootFilesystem") and context.get("allowPrivilegeEscalation") is False
            and context.get("capabilities", {}).get("drop") == ["ALL"]
            and pod.get("securityContext", {}).get("runAsNonRoot")):
        problems.append(f"{path}: not non-root / read-only / no-capabilities")
    service = objects.get(("Service", name))
    if service is None:
        problems.append(f"{path}: no Service named {name}")

# compose: every purrpurr service's variables are documented; depends_on names exist.
compose_path = f"{deploy}/compose/compose.yaml"
compose = load_all(compose_path)[0]
services = compose.get("services", {})
for name, service in services.items():
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    if "/usr/local/bin/" in " ".join(map(str, service.get("command", []) or [])):
        check_names(env, f"{compose_path} service {name}")
    for dependency in service.get("depends_on", {}) or {}:
        if dependency not in services:
            problems.append(f"{compose_path}: service {name} depends on unknown service {dependency}")
for name in ("postgres", "certs", "identity", "comms", "router"):
    if name not in services:
        problems.append(f"{compose_path}: service {name} is missing")
env_example = f"{deploy}/compose/.env.example"
if not os.path.exists(env_example):
    problems.append(f"{env_example} is missing")

# systemd: Environment= lines and env examples.
for unit in sorted(glob.glob(f"{deploy}/systemd/*.service")):
    for line in open(unit, encoding="utf-8"):
        if line.startswith("Environment="):
            check_names([w.split("=", 1)[0] for w in line[len("Environment="):].split()], unit)
for example in sorted(glob.glob(f"{deploy}/systemd/*.env.example")):
    names = [m.group(1) for m in (re.match(r"#?\s*([A-Z][A-Z0-9_]*)=", l) for l in open(example, encoding="utf-8")) if m]
    check_names(names, example)
    unit = f"{deploy}/systemd/purrpurr-{os.path.basename(example)[:-len('.env.example')]}.service"
    if not os.path.exists(unit):
        problems.append(f"{example}: no matching unit {unit}")

if problems:
    sys.exit("validate-deploy: " + "\nvalidate-deploy: ".join(problems))
print(f"validate-deploy: consistency checks passed ({len(deployments)} Deployments, {len(services)} compose services)")
PY

# --- 3. systemd units ---------------------------------------------------------------------------------------
mapfile -t units < <(find "$deploy/systemd" -name '*.service' | sort)
[ ${#units[@]} -gt 0 ] || fail "no systemd units under $deploy/systemd"
if command -v systemd-analyze >/dev/null 2>&1 && systemd-analyze --version >/dev/null 2>&1; then
    mkdir -p "$work/units" "$work/bin"
    for unit in "${units[@]}"; do
        binary=$(sed -n 's|^ExecStart=[-@:+!]*\([^ ]*\).*|\1|p' "$unit")
        [ -n "$binary" ] || fail "$unit has no ExecStart"
        ln -sf /bin/true "$work/bin/$(basename "$binary")"
        sed "s|^ExecStart=$binary|ExecStart=$work/bin/$(basename "$binary")|" "$unit" >"$work/units/$(basename "$unit")"
    done
    # verify exits 0 on unknown keys or bad values (it only warns): any output counts as a failure.
    if ! (cd "$work/units" && systemd-analyze verify ./*.service) >"$work/systemd.out" 2>&1 \
            || grep -q . "$work/systemd.out"; then
        cat "$work/systemd.out" >&2
        fail "systemd-analyze verify found problems in $deploy/systemd"
    fi
    echo "validate-deploy: ${#units[@]} systemd units pass systemd-analyze verify"
else
    echo "validate-deploy: systemd-analyze not available; units checked for consistency only"
fi

# --- 4. compose ---------------------------------------------------------------------------------------------
if docker compose version >/dev/null 2>&1; then
    cp "$deploy/compose/.env.example" "$work/compose.env"
    docker compose --env-file "$work/compose.env" -f "$deploy/compose/compose.yaml" --profile '*' config --quiet \
        || fail "docker compose config rejects $deploy/compose/compose.yaml"
    echo "validate-deploy: compose.yaml passes docker compose config"
else
    echo "validate-deploy: docker compose not installed; compose.yaml checked as YAML and for consistency only"
fi
echo "validate-deploy: all deploy/ checks passed"
